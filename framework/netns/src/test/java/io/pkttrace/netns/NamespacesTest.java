package io.pkttrace.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespacesTest {
    @TempDir
    Path dir;

    /** A fake /proc: PID -> ns/net link text. */
    private Path proc(String... pidAndLink) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc"));
        for (int i = 0; i < pidAndLink.length; i += 2) {
            Path ns = Files.createDirectories(proc.resolve(pidAndLink[i]).resolve("ns"));
            Files.createSymbolicLink(ns.resolve("net"), Path.of(pidAndLink[i + 1]));
        }
        return proc;
    }

    @Test
    void findsNamedNamespacesFirstThenEachProcessNamespaceOnce() throws Exception {
        Path named = Files.createDirectories(dir.resolve("netns"));
        Files.writeString(named.resolve("blue"), "");
        long blue = (Long) Files.getAttribute(named.resolve("blue"), "unix:ino");
        Path proc = proc("1", "net:[4026531840]", "77", "net:[4026531840]", "78", "net:[" + blue + "]",
                "79", "mnt:[4026531841]", "self", "net:[5]");
        Files.createDirectories(proc.resolve("80")); // exited: no ns/net
        Map<Long, Namespaces.Found> found = new Namespaces(named, proc).scan();
        assertEquals(Set.of(blue, 4026531840L), found.keySet());
        assertEquals(new Namespaces.Found(blue, named.resolve("blue"), "blue"), found.get(blue), "a named handle is preferred");
        assertEquals(blue, found.keySet().iterator().next(), "named ones first");
        Namespaces.Found host = found.get(4026531840L);
        assertTrue(List.of(proc.resolve("1/ns/net"), proc.resolve("77/ns/net")).contains(host.path()), found.toString());
        assertNull(host.name());
        assertEquals("4026531840", host.label());
        assertEquals(blue + " (blue)", found.get(blue).label());
    }

    @Test
    void aNamespaceNamedTwiceIsFoundOnceUnderTheFirstName() throws Exception {
        Path named = Files.createDirectories(dir.resolve("netns"));
        Files.writeString(named.resolve("zeta"), "");
        Files.createLink(named.resolve("alpha"), named.resolve("zeta")); // same inode, as two bind mounts of one namespace are
        Map<Long, Namespaces.Found> found = new Namespaces(named, proc()).named();
        assertEquals(1, found.size());
        assertEquals("alpha", found.values().iterator().next().name());
    }

    @Test
    void aFileThatIsNotANamespaceYetIsSkipped() throws Exception {
        // `ip netns add` creates /run/netns/NAME before it mounts the namespace on it: a plain file on
        // another file system than the machine's namespaces (nsfs) is not one.
        Path named = Files.createDirectories(dir.resolve("netns"));
        Files.writeString(named.resolve("half-made"), "");
        Path proc = Files.createDirectories(dir.resolve("proc").resolve("self").resolve("ns"));
        Files.createSymbolicLink(proc.resolve("net"), Path.of("/proc/self/ns/net"));
        assertTrue(new Namespaces(named, dir.resolve("proc")).named().isEmpty());
    }

    @Test
    void missingDirectoriesFindNothingAndNeverThrow() throws Exception {
        assertTrue(new Namespaces(dir.resolve("none"), dir.resolve("none")).scan().isEmpty());
        assertTrue(new Namespaces(dir.resolve("none"), dir.resolve("none")).named().isEmpty());
    }

    @Test
    void theLinkTextOfANetworkNamespaceNamesItsInode() {
        assertEquals(4026531840L, Namespaces.inodeOfLink("net:[4026531840]"));
        assertEquals(-1, Namespaces.inodeOfLink("mnt:[4026531840]"));
        assertEquals(-1, Namespaces.inodeOfLink("net:[x]"));
        assertEquals(-1, Namespaces.inodeOfLink("net:[12"));
    }

    @Test
    void thisMachinesOwnNamespaceIsFound() throws Exception {
        long self = Namespaces.inodeOfLink(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
        assertTrue(new Namespaces().scan().containsKey(self));
    }
}
