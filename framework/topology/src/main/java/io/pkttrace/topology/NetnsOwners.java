package io.pkttrace.topology;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.netns.NetnsNames;
import io.pkttrace.topology.CommandRunner.CommandFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which named network namespaces pkttrace made, and whether the process that made each still runs,
 * so that what a killed pkttrace left (SIGKILL leaves no time to clean up) is found and removed, and
 * nothing else.
 *
 * <p>Before a {@link Topology} creates a namespace it writes an owner record under {@link #DEFAULT_DIR}
 * named like the namespace: the creating process as pid, its start time (so a reused pid is not taken
 * for it), the boot and the pid namespace it ran in; once the namespace exists the record also gets its
 * inode (so a namespace of the same name made later by someone else is not taken for it). Deleting the
 * namespace deletes the record. A namespace is a leftover when its record names a process of this boot
 * and pid namespace that no longer runs; a namespace without a record (another tool's, even if its name
 * looks like ours), one whose creator runs (a concurrent pkttrace), one whose creator cannot be judged
 * (another pid namespace) and one whose inode differs from the record are left alone.
 *
 * <p>The records live in {@code /run} (a tmpfs, emptied at boot like the namespaces' mounts in
 * /run/netns), in a directory only root may write: pkttrace runs as root and removes what they name.
 */
public final class NetnsOwners {
    /** Where pkttrace keeps its owner records. */
    public static final Path DEFAULT_DIR = Path.of("/run/pkttrace/netns");

    // The names Topology gives (its prefix plus a short name); nothing else is ever read as a record.
    private static final Pattern RECORD_NAME = Pattern.compile("pt[0-9a-z]+-[0-9a-z]+-[A-Za-z0-9_.-]{1,32}");
    private static final Pattern TEMP_NAME = Pattern.compile("\\.(" + RECORD_NAME.pattern() + ")\\.([0-9]+)");
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    /** A namespace an earlier, now dead, pkttrace created and did not delete. */
    public record Leftover(String name, ProcessIdentity creator, boolean mounted) {
    }

    private final Path dir;
    private final Path netnsRoot;

    /**
     * @param dir       where the records are (created on first use, mode 0700)
     * @param netnsRoot where {@code ip netns} mounts namespaces ({@link NetnsNames#DEFAULT_ROOT})
     */
    public NetnsOwners(Path dir, Path netnsRoot) {
        this.dir = dir;
        this.netnsRoot = netnsRoot;
    }

    /** The records of this machine: {@link #DEFAULT_DIR} for the namespaces in /run/netns. */
    public static NetnsOwners system() {
        return new NetnsOwners(DEFAULT_DIR, NetnsNames.DEFAULT_ROOT);
    }

    /** Records that this process is about to create namespace {@code name}. */
    void claim(String name) throws PkttraceException {
        write(name, ProcessIdentity.current(), 0);
    }

    /** Adds the inode of the namespace just created to its record. */
    void created(String name, long inode) throws PkttraceException {
        write(name, ProcessIdentity.current(), inode);
    }

    /** Forgets a namespace that was deleted (or never created). */
    void release(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            // a record left behind names a namespace that is gone: the next sweep drops it
        }
    }

    /** The namespaces earlier pkttraces made and left: their creator is dead. Reads only. */
    public List<Leftover> leftovers() throws PkttraceException {
        List<Leftover> out = new ArrayList<>();
        for (Path record : records()) {
            String name = record.getFileName().toString();
            Map<String, String> r = read(record);
            ProcessIdentity creator = ProcessIdentity.parse(r);
            if (creator == null || creator.mayRun()) {
                continue; // unreadable (never ours to judge) or still running
            }
            Path entry = netnsRoot.resolve(name);
            boolean exists = Files.exists(entry, LinkOption.NOFOLLOW_LINKS);
            if (exists && r.containsKey("inode") && !r.get("inode").equals(Long.toString(inodeOrZero(entry)))) {
                continue; // the name was taken again by someone else after our namespace went
            }
            out.add(new Leftover(name, creator, exists));
        }
        return out;
    }

    /**
     * Deletes the leftovers ({@code ip netns del}: unmounts and removes the /run/netns entry; the
     * namespace and its interfaces go when nothing else holds it) and their records.
     *
     * @return the namespaces deleted
     */
    public List<String> removeLeftovers(CommandRunner runner) throws PkttraceException {
        List<String> removed = new ArrayList<>();
        for (Leftover l : leftovers()) {
            if (l.mounted()) {
                CommandRunner.Result r;
                try {
                    r = runner.tryRun(List.of("ip", "netns", "del", l.name()));
                } catch (CommandFailedException e) {
                    throw Topology.explain("delete network namespace " + l.name() + " left by pkttrace process " + l.creator().pid(), e);
                }
                if (!r.ok() && Files.exists(netnsRoot.resolve(l.name()), LinkOption.NOFOLLOW_LINKS)) {
                    throw new PkttraceException("cannot delete network namespace " + l.name() + " left by pkttrace process "
                            + l.creator().pid() + ": " + r.stderr().strip(), "delete it with: ip netns del " + l.name());
                }
                removed.add(l.name());
            }
            release(l.name());
        }
        removeDeadTemporaries();
        return removed;
    }

    private List<Path> records() throws PkttraceException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        requirePrivate(dir);
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (RECORD_NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        } catch (java.nio.file.AccessDeniedException e) {
            return List.of(); // another user's records (root's): nothing this process could remove anyway
        } catch (IOException e) {
            throw new PkttraceException("cannot list " + dir + ": " + e.getMessage(), null, e);
        }
        out.sort(null);
        return out;
    }

    /** A record written half-way by a process killed between writing and renaming it. */
    private void removeDeadTemporaries() {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                var m = TEMP_NAME.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing of value is lost: the namespace of such a record was never created
        }
    }

    private void write(String name, ProcessIdentity owner, long inode) throws PkttraceException {
        if (!RECORD_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a topology namespace name: " + name);
        }
        String text = owner.toRecord() + (inode != 0 ? "inode=" + inode + "\n" : "");
        Path temp = dir.resolve("." + name + "." + owner.pid());
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            }
            requirePrivate(dir);
            // Written aside and renamed: a record is whole or absent, also when pkttrace is killed here.
            Files.write(temp, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new PkttraceException("creating network namespaces needs root", "run as root", e);
        } catch (IOException e) {
            throw new PkttraceException("cannot record the owner of network namespace " + name + " in " + dir + ": "
                    + e.getMessage(), "check that /run is writable (pkttrace demo runs as root)", e);
        }
    }

    /** The records decide what root deletes: only a directory of root or this user that nobody else may write is used. */
    private static void requirePrivate(Path dir) throws PkttraceException {
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Set<PosixFilePermission> p = a.permissions();
            if (!a.isDirectory() || (uid != self && uid != 0) || p.contains(PosixFilePermission.GROUP_WRITE)
                    || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new PkttraceException(dir + " is not a private directory of root or this user (owner " + uid + ", mode "
                        + PosixFilePermissions.toString(p) + ")", "remove it: pkttrace creates it again, mode 0700");
            }
        } catch (IOException e) {
            throw new PkttraceException("cannot check " + dir + ": " + e.getMessage(), null, e);
        }
    }

    private static Map<String, String> read(Path record) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    m.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (NoSuchFileException e) {
            return Map.of(); // its namespace was just deleted
        } catch (IOException e) {
            return Map.of();
        }
        return m;
    }

    private static long inodeOrZero(Path entry) {
        try {
            return NetnsNames.inode(entry);
        } catch (IOException e) {
            return 0;
        }
    }
}
