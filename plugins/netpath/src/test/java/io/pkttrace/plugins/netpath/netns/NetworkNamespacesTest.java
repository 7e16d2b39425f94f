package io.pkttrace.plugins.netpath.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkNamespacesTest {
    @TempDir
    Path dir;

    @Test
    void findsNamedNamespacesFirstThenEachProcessNamespaceOnce() throws Exception {
        Path named = Files.createDirectories(dir.resolve("netns"));
        Path proc = Files.createDirectories(dir.resolve("proc"));
        Files.writeString(named.resolve("blue"), "");
        long blue = (Long) Files.getAttribute(named.resolve("blue"), "unix:ino");
        for (String[] p : List.of(new String[] {"1", "net:[4026531840]"}, new String[] {"77", "net:[4026531840]"},
                new String[] {"78", "net:[" + blue + "]"}, new String[] {"79", "mnt:[4026531841]"}, new String[] {"self", "net:[5]"})) {
            Path ns = Files.createDirectories(proc.resolve(p[0]).resolve("ns"));
            Files.createSymbolicLink(ns.resolve("net"), Path.of(p[1]));
        }
        Files.createDirectories(proc.resolve("80")); // exited: no ns/net
        Map<Long, Path> found = new NetworkNamespaces(named, proc).list();
        assertEquals(java.util.Set.of(blue, 4026531840L), found.keySet());
        assertEquals(named.resolve("blue"), found.get(blue));
        assertTrue(List.of(proc.resolve("1/ns/net"), proc.resolve("77/ns/net")).contains(found.get(4026531840L)), found.toString());
        assertEquals(blue, found.keySet().iterator().next(), "a named handle is preferred");
    }

    @Test
    void missingDirectoriesFindNothingAndNeverThrow() {
        assertTrue(new NetworkNamespaces(dir.resolve("none"), dir.resolve("none")).list().isEmpty());
    }

    @Test
    void theLinkTextOfANetworkNamespaceNamesItsInode() {
        assertEquals(4026531840L, NetworkNamespaces.inodeOfLink("net:[4026531840]"));
        assertEquals(-1, NetworkNamespaces.inodeOfLink("mnt:[4026531840]"));
        assertEquals(-1, NetworkNamespaces.inodeOfLink("net:[x]"));
        assertEquals(-1, NetworkNamespaces.inodeOfLink("net:[12"));
    }

    @Test
    void thisMachinesOwnNamespaceIsFound() throws Exception {
        long self = NetworkNamespaces.inodeOfLink(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
        assertTrue(new NetworkNamespaces().list().containsKey(self));
    }
}
