package io.pkttrace.plugins.netpath.netns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the network namespaces of this machine: those named under {@code /run/netns} (bind mounts of
 * their nsfs files, what {@code ip netns} makes) and those that some process is in
 * ({@code /proc/PID/ns/net}), each once, by inode. A namespace kept alive only by an open file
 * descriptor or a bind mount elsewhere is not found.
 *
 * <p>Only nsfs files count (for {@code /run/netns}, the device of {@code /proc/self/ns/net}): a stale
 * plain file left there by an interrupted {@code ip netns add} is skipped. Nothing here depends on the
 * netpath probe: any probe that must act in every namespace can use it.
 */
public final class NetworkNamespaces {
    private final Path named;
    private final Path proc;

    /** The machine's {@code /run/netns} and {@code /proc}. */
    public NetworkNamespaces() {
        this(Path.of("/run/netns"), Path.of("/proc"));
    }

    /** Other roots (tests). */
    public NetworkNamespaces(Path named, Path proc) {
        this.named = named;
        this.proc = proc;
    }

    /**
     * Namespace inode to a path that opens it (for setns), named ones first, then by process.
     * Namespaces that vanish while this runs are left out; it never throws.
     */
    public Map<Long, Path> list() {
        Map<Long, Path> found = new LinkedHashMap<>();
        scanNamed(found);
        scanProcesses(found);
        return found;
    }

    /** {@code /run/netns}: bind mounts of nsfs files, read with stat (only nsfs files count). */
    private void scanNamed(Map<Long, Path> found) {
        if (!Files.isDirectory(named)) {
            return;
        }
        long nsfs = deviceOf(proc.resolve("self/ns/net"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(named)) {
            for (Path entry : ds) {
                try {
                    Map<String, Object> a = Files.readAttributes(entry, "unix:ino,dev");
                    if (nsfs == -1 || ((Number) a.get("dev")).longValue() == nsfs) {
                        found.putIfAbsent(((Number) a.get("ino")).longValue(), entry);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile, or unreadable: not a namespace we can enter
                }
            }
        } catch (IOException e) {
            // the directory went away: nothing to find there
        }
    }

    /** {@code /proc/PID/ns/net}: magic links whose text is "net:[INODE]", one readlink each. */
    private void scanProcesses(Map<Long, Path> found) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc)) {
            for (Path entry : ds) {
                if (!isPid(entry.getFileName().toString())) {
                    continue;
                }
                Path handle = entry.resolve("ns/net");
                try {
                    long inode = inodeOfLink(Files.readSymbolicLink(handle).toString());
                    if (inode > 0) {
                        found.putIfAbsent(inode, handle);
                    }
                } catch (IOException | RuntimeException e) {
                    // the process exited meanwhile, or is not ours to read
                }
            }
        } catch (IOException e) {
            // no /proc: only named namespaces
        }
    }

    /** The inode in a namespace link's text "net:[4026531840]", or -1. */
    static long inodeOfLink(String text) {
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
