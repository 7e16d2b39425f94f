package io.pkttrace.netns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the network namespaces of this machine: those named under {@code /run/netns} (bind mounts of
 * their nsfs files, what {@code ip netns} makes) and those some process is in ({@code /proc/PID/ns/net},
 * containers included), each once, by inode. A namespace nobody names and no process is in is gone,
 * even while an open file descriptor (one of pkttrace's own sockets) still holds it.
 *
 * <p>Only nsfs files count under {@code /run/netns}: {@code ip netns add} creates its file before it
 * mounts the namespace on it, and a file left by an interrupted one stays a plain file. Processes are
 * read with one readlink each (their links always are nsfs), which keeps a scan of a busy machine cheap.
 */
public final class Namespaces {
    /** A namespace and a path that enters it (for setns); {@code name} is its /run/netns name or null. */
    public record Found(long inode, Path path, String name) {
        /** {@code 4026532281 (blue)}, or the inode alone. */
        public String label() {
            return name == null ? Long.toString(inode) : inode + " (" + name + ")";
        }
    }

    /** Where iproute2 keeps named network namespaces. */
    public static final Path RUN_NETNS = Path.of("/run/netns");

    private final Path named;
    private final Path proc;

    /** The machine's {@code /run/netns} and {@code /proc}. */
    public Namespaces() {
        this(RUN_NETNS, Path.of("/proc"));
    }

    /** Other roots (tests). */
    public Namespaces(Path named, Path proc) {
        this.named = named;
        this.proc = proc;
    }

    /** The directory of named namespaces (to watch it for changes). */
    public Path namedDir() {
        return named;
    }

    /**
     * Every namespace in use, by inode: named ones first (with their name and /run/netns path), then
     * those only processes are in. Namespaces that vanish while this runs are left out; never throws.
     */
    public Map<Long, Found> scan() {
        Map<Long, Found> found;
        try {
            found = named();
        } catch (IOException e) {
            found = new LinkedHashMap<>(); // unreadable: those namespaces are still found through their processes
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
            for (Path entry : ds) {
                Path handle = entry.resolve("ns/net");
                try {
                    long inode = inodeOfLink(Files.readSymbolicLink(handle).toString());
                    if (inode > 0) {
                        found.putIfAbsent(inode, new Found(inode, handle, null));
                    }
                } catch (IOException | RuntimeException e) {
                    // the process exited meanwhile, or is not ours to read
                }
            }
        } catch (IOException e) {
            // no /proc: only named namespaces
        }
        return found;
    }

    /**
     * The named namespaces, by inode, in name order; a namespace mounted under two names keeps the
     * first. Empty when the directory does not exist (no namespace was ever named here).
     *
     * @throws IOException when the directory exists but cannot be listed
     */
    public Map<Long, Found> named() throws IOException {
        Map<String, Found> byName = new java.util.TreeMap<>();
        if (!Files.isDirectory(named)) {
            return new LinkedHashMap<>();
        }
        long nsfs = deviceOf(proc.resolve("self/ns/net"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(named)) {
            for (Path entry : ds) {
                try {
                    Map<String, Object> a = Files.readAttributes(entry, "unix:ino,dev");
                    if (nsfs == -1 || ((Number) a.get("dev")).longValue() == nsfs) {
                        String name = entry.getFileName().toString();
                        byName.put(name, new Found(((Number) a.get("ino")).longValue(), entry, name));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile, or unreadable: not a namespace we can enter
                }
            }
        }
        Map<Long, Found> out = new LinkedHashMap<>();
        byName.values().forEach(f -> out.putIfAbsent(f.inode(), f));
        return out;
    }

    /**
     * A watch on the named namespaces (a name added or removed), for rescanning at once rather than at
     * the next period; null when the directory does not exist yet or cannot be watched (the periodic
     * scan still covers it). The caller closes it.
     */
    public WatchService watchNamed() {
        if (!Files.isDirectory(named)) {
            return null;
        }
        try {
            WatchService w = named.getFileSystem().newWatchService();
            named.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
            return w;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** The inode in a namespace link's text {@code net:[4026531840]}, or -1. */
    public static long inodeOfLink(String text) {
        if (!text.startsWith("net:[") || !text.endsWith("]")) {
            return -1;
        }
        try {
            return Long.parseLong(text.substring(5, text.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isPid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static long deviceOf(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:dev")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1; // cannot tell: accept what setns will accept
        }
    }
}
