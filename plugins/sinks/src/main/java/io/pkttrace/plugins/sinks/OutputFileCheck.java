package io.pkttrace.plugins.sinks;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.PkttraceException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Set;

/**
 * Which output files a root process may write, and how to open them. pkttrace usually runs as root,
 * so a path the user names may be a trap another local user laid: a symbolic link planted in /tmp
 * pointing at a system file, a hard link to one, or a kernel interface file under /proc or /sys. Output
 * therefore goes only to
 * <ul>
 * <li>a new file, created exclusively (O_CREAT|O_EXCL: never through a link),</li>
 * <li>an existing regular file with one name, owned by root or the invoking user, on an ordinary file
 * system, that is empty or that pkttrace wrote (it marks what it creates with the extended attribute
 * {@value #MARK}: a mistyped {@code --output /etc/passwd} must not empty a system file), opened without
 * following a final symbolic link and truncated only after the opened file was seen to be that same
 * file,</li>
 * <li>a FIFO, {@code /dev/null} or a terminal, written without truncation.</li>
 * </ul>
 */
final class OutputFileCheck {
    /** File systems whose files are kernel interfaces, never trace output. */
    private static final Set<String> KERNEL_FS = Set.of("proc", "sysfs", "debugfs", "tracefs", "securityfs", "cgroup",
            "cgroup2", "bpf", "configfs", "efivarfs", "pstore", "devpts", "mqueue", "hugetlbfs", "fusectl");
    /** The extended attribute (user.pkttrace) on files pkttrace created as output. */
    static final String MARK = "pkttrace";
    private static final String LINK_HINT = "pkttrace does not follow a link when it writes: give the real path, or - for standard output";

    private OutputFileCheck() {
    }

    /** Reads only: fails with one line when {@code p} is not a safe output. */
    static void requireSafe(String component, Path p) throws ConfigException {
        String name = component + ": output '" + p + "'";
        PosixFileAttributes a = attributes(p);
        if (a == null) {
            Path parent = p.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new ConfigException(component + ": output directory " + parent + " does not exist", "create it first");
            }
            requireOrdinaryFileSystem(name, parent);
            return;
        }
        if (a.isSymbolicLink()) {
            throw new ConfigException(name + " is a symbolic link", LINK_HINT);
        }
        if (a.isDirectory()) {
            throw new ConfigException(name + " is a directory", "give a file name");
        }
        if (a.isRegularFile()) {
            requireOrdinaryFileSystem(name, p);
            int links = intAttribute(p, "unix:nlink");
            if (links > 1) {
                throw new ConfigException(name + " has " + links + " hard links, so writing it would change another file too",
                        "remove it or choose a new file name");
            }
            int owner = intAttribute(p, "unix:uid");
            if (!Users.trusted(owner)) {
                throw new ConfigException(name + " belongs to user " + owner + ", not to you",
                        "remove it or choose a new file name");
            }
            if (!Files.isWritable(p)) {
                throw new ConfigException(name + " is not writable", "choose a file you may write");
            }
            if (a.size() > 0 && !marked(p)) {
                throw new ConfigException(name + " exists and pkttrace did not write it: it is not overwritten",
                        "remove it first if it may go, or choose a new file name");
            }
            return;
        }
        if (a.isOther() && isFifo(p)) {
            return;
        }
        if (isNullOrTerminal(p)) {
            return;
        }
        throw new ConfigException(name + " is a device or special file, not an output file",
                "give a regular file, a FIFO, /dev/null, or - for standard output");
    }

    /** Opens a path {@link #requireSafe} accepted, re-checking what could have changed since. */
    static OutputStream open(String component, Path p) throws PkttraceException {
        requireSafe(component, p);
        try {
            PosixFileAttributes before = attributes(p);
            if (before == null) {
                OutputStream created = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
                mark(p);
                return created;
            }
            FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            if (before.isRegularFile()) {
                PosixFileAttributes after = attributes(p);
                if (after == null || !after.isRegularFile() || !before.fileKey().equals(after.fileKey())
                        || intAttribute(p, "unix:nlink") > 1) {
                    ch.close();
                    throw new PkttraceException(component + ": output " + p + " was replaced while pkttrace opened it",
                            "someone else is writing in that directory: choose a private one");
                }
                ch.truncate(0);
            }
            return Channels.newOutputStream(ch);
        } catch (FileAlreadyExistsException e) {
            throw new PkttraceException(component + ": output " + p + " appeared while pkttrace created it",
                    "someone else is writing in that directory: choose a private one");
        } catch (IOException | SecurityException e) {
            throw new PkttraceException(component + ": cannot write " + p + " (" + OutputTarget.reason(e) + ")",
                    "check the path and its permissions");
        }
    }

    /** Marks a file pkttrace created, so that a later run may overwrite it; a file system without user xattrs keeps no mark. */
    private static void mark(Path p) {
        try {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            if (v != null) {
                v.write(MARK, ByteBuffer.wrap("output".getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (IOException | RuntimeException e) {
            // then the next run asks the user to remove the file first
        }
    }

    static boolean marked(Path p) {
        try {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            return v != null && v.list().contains(MARK);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static PosixFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static int intAttribute(Path p, String attribute) {
        try {
            return ((Number) Files.getAttribute(p, attribute, LinkOption.NOFOLLOW_LINKS)).intValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void requireOrdinaryFileSystem(String name, Path p) throws ConfigException {
        String type;
        try {
            type = Files.getFileStore(p).type();
        } catch (IOException e) {
            return; // unreadable store: opening will report the real error
        }
        if (KERNEL_FS.contains(type)) {
            throw new ConfigException(name + " is on " + type + ", a kernel interface file system, not a place for output",
                    "give a file on an ordinary file system");
        }
    }

    private static boolean isFifo(Path p) {
        return (intAttribute(p, "unix:mode") & 0170000) == 0010000;
    }

    /** /dev/null (char 1:3) and terminals (tty 4, /dev/tty 5:0, pseudo-terminals 136-143). */
    private static boolean isNullOrTerminal(Path p) {
        int mode = intAttribute(p, "unix:mode");
        if ((mode & 0170000) != 0020000) {
            return false;
        }
        long rdev;
        try {
            rdev = ((Number) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException | RuntimeException e) {
            return false;
        }
        long major = (rdev >>> 8) & 0xfff;
        long minor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
        return (major == 1 && minor == 3) || major == 4 || (major == 5 && minor == 0) || (major >= 136 && major <= 143);
    }

    /** Owners whose files root may overwrite: root, this process's user, the user sudo ran for. */
    private static final class Users {
        static boolean trusted(int uid) {
            if (uid == 0) {
                return true;
            }
            String sudo = System.getenv("SUDO_UID");
            if (sudo != null && sudo.trim().equals(Integer.toString(uid))) {
                return true;
            }
            try {
                return uid == ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue();
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }
}
