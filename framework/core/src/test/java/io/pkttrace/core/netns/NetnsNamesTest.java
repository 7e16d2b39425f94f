package io.pkttrace.core.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regular files in a temp dir stand in for /run/netns entries: their inode plays the netns inode. */
class NetnsNamesTest {
    @TempDir
    Path root;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private NetnsNames names() {
        return new NetnsNames(root, clock::get);
    }

    private long touch(String name) throws Exception {
        return NetnsNames.inode(Files.createFile(root.resolve(name)));
    }

    @Test
    void findsNameByInode() throws Exception {
        long a = touch("alpha");
        long b = touch("beta");
        NetnsNames n = names();
        assertEquals(Optional.of("alpha"), n.nameOf(a));
        assertEquals(Optional.of("beta"), n.nameOf(b));
    }

    @Test
    void unknownAndZeroInodesHaveNoName() throws Exception {
        long a = touch("alpha");
        NetnsNames n = names();
        assertEquals(Optional.empty(), n.nameOf(a + 1_000_000));
        assertEquals(Optional.empty(), n.nameOf(0));
    }

    @Test
    void missRescansAtMostOncePerSecond() throws Exception {
        NetnsNames n = names();
        assertEquals(Optional.empty(), n.nameOf(12345)); // first miss scans an empty dir
        long late = touch("late");
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(Optional.empty(), n.nameOf(late), "rescanned within a second");
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(Optional.of("late"), n.nameOf(late));
    }

    @Test
    void hitsComeFromTheCache() throws Exception {
        long a = touch("alpha");
        NetnsNames n = names();
        assertEquals(Optional.of("alpha"), n.nameOf(a));
        Files.delete(root.resolve("alpha"));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(5));
        assertEquals(Optional.of("alpha"), n.nameOf(a), "a hit must not rescan");
        n.refresh();
        assertEquals(Optional.empty(), n.nameOf(a));
    }

    @Test
    void sameInodeUnderTwoNamesPicksTheSmallestName() throws Exception {
        long ino = touch("zeta");
        Files.createLink(root.resolve("eta"), root.resolve("zeta"));
        assertEquals(Optional.of("eta"), names().nameOf(ino));
    }

    @Test
    void missingRootMeansNoNames() throws Exception {
        NetnsNames n = new NetnsNames(root.resolve("absent"), clock::get);
        assertEquals(Optional.empty(), n.nameOf(42));
    }

    @Test
    void inodeOfReadsTheEntry() throws Exception {
        long a = touch("alpha");
        assertEquals(a, names().inodeOf("alpha"));
        assertEquals(Files.getAttribute(root.resolve("alpha"), "unix:ino"), a);
    }

    @Test
    void inodeOfUnknownNameIsAUserError() {
        NetnsNames n = names();
        for (String bad : new String[] {"nope", "../etc", "a/b", "..", "."}) {
            PkttraceException e = assertThrows(PkttraceException.class, () -> n.inodeOf(bad), bad);
            assertEquals("network namespace '" + bad + "' does not exist", e.getMessage());
            assertEquals("list them with: ip netns list", e.hint());
        }
    }

    @Test
    void aNameLongerThanAFileNameIsSaidOnceAndPlainly() {
        String name = "a".repeat(300);
        PkttraceException e = assertThrows(PkttraceException.class, () -> names().inodeOf(name));
        assertEquals("a network namespace name has at most 255 bytes, this one has 300: list the namespaces with: ip netns list",
                e.userLine());
    }

    @Test
    void anEntryWithNothingMountedIsNoNamespace() throws Exception {
        touch("half-made"); // what ip netns add leaves when it is killed before it mounts the namespace
        PkttraceException e = assertThrows(PkttraceException.class, () -> names().requireMounted("half-made"));
        assertEquals("'half-made' in " + root + " is not a network namespace: nothing is mounted on it (left by an interrupted"
                + " ip netns add?): remove it with: ip netns del half-made", e.userLine());
        assertThrows(PkttraceException.class, () -> names().requireMounted("absent"));
    }

    @Test
    void currentInodeMatchesProcSelf() throws Exception {
        // /proc/self/ns/net is a magic link whose target reads "net:[INODE]".
        String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        assertTrue(link.matches("net:\\[\\d+]"), link);
        long expected = Long.parseLong(link.substring(5, link.length() - 1));
        assertEquals(expected, names().currentInode());
    }
}
