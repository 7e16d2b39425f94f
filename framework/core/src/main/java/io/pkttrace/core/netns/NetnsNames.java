package io.pkttrace.core.netns;

import io.pkttrace.api.PkttraceException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps network-namespace inode numbers (what {@code readlink /proc/PID/ns/net} shows and what the
 * kernel's {@code net->ns.inum} holds) to the names that {@code ip netns} gives them, i.e. the
 * entries of {@code /run/netns}, which are bind mounts of the namespaces' nsfs files.
 *
 * <p>Lookups are served from a cache; a miss re-scans the directory, but at most once per second so
 * that a stream of events from unnamed namespaces does not turn into a stream of directory scans.
 * Thread-safe.
 */
public final class NetnsNames {
    /** Where iproute2 keeps named network namespaces. */
    public static final Path DEFAULT_ROOT = Path.of("/run/netns");
    /** The longest file name (NAME_MAX), and so the longest namespace name, in bytes. */
    public static final int NAME_MAX = 255;

    private static final Logger LOG = LoggerFactory.getLogger(NetnsNames.class);
    private static final Path SELF_NET = Path.of("/proc/self/ns/net");
    private static final long REFRESH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path root;
    private final LongSupplier nanoClock;
    private volatile Map<Long, String> byInode = Map.of();
    // Guarded by this; false until the first scan so that the first miss always scans.
    private boolean scanned;
    private long lastScanNanos;

    /** Names from {@link #DEFAULT_ROOT}. */
    public NetnsNames() {
        this(DEFAULT_ROOT);
    }

    /** Names from {@code root} (a directory like {@code /run/netns}). */
    public NetnsNames(Path root) {
        this(root, System::nanoTime);
    }

    // Visible for tests: lets them step time to check the once-per-second refresh limit.
    NetnsNames(Path root, LongSupplier nanoClock) {
        this.root = root;
        this.nanoClock = nanoClock;
    }

    /** The directory scanned for names. */
    public Path root() {
        return root;
    }

    /**
     * The name of the namespace with this inode, if it has one under {@link #root()}. Inode 0 (no
     * namespace known, e.g. a locally generated packet before it has a device) never has a name.
     */
    public Optional<String> nameOf(long inode) {
        if (inode == 0) {
            return Optional.empty();
        }
        String name = byInode.get(inode);
        if (name != null) {
            return Optional.of(name);
        }
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (!scanned || now - lastScanNanos >= REFRESH_INTERVAL_NANOS) {
                byInode = scan();
                scanned = true;
                lastScanNanos = now;
            }
        }
        return Optional.ofNullable(byInode.get(inode));
    }

    /** Re-scans {@link #root()} now, regardless of the refresh limit. */
    public synchronized void refresh() {
        byInode = scan();
        scanned = true;
        lastScanNanos = nanoClock.getAsLong();
    }

    /**
     * The inode of the named namespace, read directly (not from the cache).
     *
     * @throws PkttraceException if there is no such namespace
     */
    public long inodeOf(String name) throws PkttraceException {
        // A name is one path element; anything else cannot be an `ip netns` name.
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")
                || name.contains("\0")) {
            throw noSuchNamespace(name);
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > NAME_MAX) {
            throw new PkttraceException("a network namespace name has at most " + NAME_MAX + " bytes, this one has " + bytes,
                    "list the namespaces with: ip netns list");
        }
        Path p = root.resolve(name);
        try {
            return inode(p);
        } catch (NoSuchFileException e) {
            throw noSuchNamespace(name);
        } catch (FileSystemException e) {
            throw new PkttraceException("cannot read network namespace '" + name + "' in " + root + ": "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), null, e);
        } catch (IOException e) {
            throw new PkttraceException("cannot read network namespace '" + name + "' in " + root + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * Fails unless {@code name} ({@link #inodeOf found} under the root) has a namespace mounted on it:
     * {@code ip netns add} killed half way leaves an empty file that {@code ip netns exec} cannot enter.
     */
    public void requireMounted(String name) throws PkttraceException {
        inodeOf(name);
        String type;
        try {
            type = Files.getFileStore(root.resolve(name)).type();
        } catch (IOException e) {
            return; // inodeOf read it: let the command that enters it say what is wrong
        }
        if (!type.equals("nsfs")) {
            throw new PkttraceException("'" + name + "' in " + root + " is not a network namespace: nothing is mounted on it"
                    + " (left by an interrupted ip netns add?)", "remove it with: ip netns del " + name);
        }
    }

    /** The inode of the calling process's own network namespace. */
    public long currentInode() throws PkttraceException {
        try {
            return inode(SELF_NET);
        } catch (IOException e) {
            throw new PkttraceException("cannot read " + SELF_NET + ": " + e.getMessage(),
                    "is /proc mounted?", e);
        }
    }

    /**
     * The inode of {@code path}, following symlinks; for a {@code /run/netns} entry or
     * {@code /proc/PID/ns/net} this is the namespace's nsfs inode.
     */
    public static long inode(Path path) throws IOException {
        Object ino = Files.readAttributes(path, "unix:ino").get("ino");
        if (!(ino instanceof Number)) {
            throw new IOException("no inode number for " + path);
        }
        return ((Number) ino).longValue();
    }

    private Map<Long, String> scan() {
        Map<Long, String> m = new HashMap<>();
        if (!Files.isDirectory(root)) {
            return Map.of(); // no namespace was ever named on this machine
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                try {
                    long ino = inode(p);
                    // One namespace can be mounted under two names: keep the smallest, deterministically.
                    m.merge(ino, name, (a, b) -> a.compareTo(b) <= 0 ? a : b);
                } catch (IOException e) {
                    // Deleted between listing and stat, or unreadable: it simply has no name for us.
                    LOG.debug("skipping {}: {}", p, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", root, e.toString());
            return byInode; // keep the previous view rather than forgetting every name
        }
        return Collections.unmodifiableMap(m);
    }

    private static PkttraceException noSuchNamespace(String name) {
        return new PkttraceException("network namespace '" + name + "' does not exist", "list them with: ip netns list");
    }
}
