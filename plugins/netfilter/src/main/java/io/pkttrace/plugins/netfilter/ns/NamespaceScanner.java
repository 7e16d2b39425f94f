package io.pkttrace.plugins.netfilter.ns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the network namespaces in use: pkttrace's own, every {@code ip netns} name under
 * /run/netns, and the namespace of every running process (containers). A namespace nobody names
 * and no process is in is gone, even while pkttrace's own sockets still hold it.
 */
public final class NamespaceScanner {
    /** A namespace and a path that enters it; {@code name} is its /run/netns name or null. */
    public record Found(long inode, Path path, String name) {
        public String label() {
            return name == null ? Long.toString(inode) : inode + " (" + name + ")";
        }
    }

    private final Path netnsDir;
    private final Path proc;
    /** Device of the namespace file system: `ip netns add` creates its file before it mounts the namespace on it. */
    private long nsfs = -1;

    public NamespaceScanner() {
        this(Path.of("/run/netns"), Path.of("/proc"));
    }

    public NamespaceScanner(Path netnsDir, Path proc) {
        this.netnsDir = netnsDir;
        this.proc = proc;
    }

    public Path netnsDir() {
        return netnsDir;
    }

    /** Every namespace in use, by inode; named ones keep their /run/netns path and name. */
    public Map<Long, Found> scan() {
        Map<Long, Found> found = new LinkedHashMap<>();
        nsfs = device(proc.resolve("self/ns/net"));
        add(found, proc.resolve("self/ns/net"), null);
        if (Files.isDirectory(netnsDir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(netnsDir)) {
                for (Path p : ds) {
                    add(found, p, p.getFileName().toString());
                }
            } catch (IOException e) {
                // unreadable: those namespaces are still found through their processes
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
            for (Path p : ds) {
                add(found, p.resolve("ns/net"), null);
            }
        } catch (IOException e) {
            // /proc not readable: named namespaces only
        }
        return found;
    }

    private static boolean isPid(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static long device(Path p) {
        try {
            Object v = Files.readAttributes(p, "unix:dev").get("dev");
            return v instanceof Number n ? n.longValue() : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void add(Map<Long, Found> found, Path p, String name) {
        long ino;
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:ino,dev");
            if (!(a.get("ino") instanceof Number i) || !(a.get("dev") instanceof Number d) || d.longValue() != nsfs) {
                return; // not (yet) a namespace
            }
            ino = i.longValue();
        } catch (IOException | RuntimeException e) {
            return; // gone meanwhile, or not ours to see
        }
        Found old = found.get(ino);
        if (old == null || (old.name() == null && name != null)) {
            found.put(ino, new Found(ino, p, name));
        }
    }
}
