package io.pkttrace.core.plugins;

import io.pkttrace.api.PkttraceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Refuses plugin code that someone other than the user running pkttrace could have put there: a
 * privileged pkttrace loads plugin jars into its own process, so a jar another user can write or
 * replace runs with root's rights. Like ssh's checks of {@code authorized_keys}, the jar, its
 * directory and every parent directory up to {@code /} must be owned by root or by the invoking user
 * and not writable by group or others. A parent directory with the sticky bit (as {@code /tmp}) may
 * be writable by others: they cannot rename or remove the entries they do not own.
 */
public final class PluginTrust {
    private static final int STICKY = 01000;

    /** The users whose files are trusted: root, the effective user, and the user sudo ran for. */
    public record Users(int effective, int sudoUser) {
        boolean trusts(int uid) {
            return uid == 0 || uid == effective || (sudoUser >= 0 && uid == sudoUser);
        }

        /** The users of this process: effective uid from /proc/self/status, SUDO_UID from the environment. */
        public static Users ofThisProcess() {
            int euid = 0;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("Uid:")) {
                        euid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                euid = -1; // unknown: treated as privileged below, the safe side
            }
            int sudo = -1;
            try {
                String s = System.getenv("SUDO_UID");
                sudo = s == null ? -1 : Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                sudo = -1;
            }
            return new Users(euid, sudo);
        }

        /** Only a privileged pkttrace (root) must refuse; an ordinary user may load what they like. */
        public boolean privileged() {
            return effective <= 0;
        }
    }

    /**
     * What to do with untrusted plugin files: refuse (the default), or, when the user explicitly
     * allowed it, load them with a warning through {@code warn}.
     */
    public record Policy(Users users, boolean allowUntrusted, java.util.function.Consumer<String> warn) {
        /** Refuse untrusted plugins when this process is privileged. */
        public static Policy strict() {
            return new Policy(Users.ofThisProcess(), false, w -> { });
        }

        /** Applies the policy to one plugin directory and its jars. */
        public void apply(Path dir, Iterable<Path> jars) throws PkttraceException {
            if (!users.privileged()) {
                return;
            }
            try {
                check(dir, jars, users);
            } catch (PkttraceException e) {
                if (!allowUntrusted) {
                    throw e;
                }
                warn.accept("WARNING: --allow-untrusted-plugins: loading them although " + e.getMessage()
                        .replace("refusing to load plugins: ", ""));
            }
        }
    }

    private PluginTrust() {
    }

    /**
     * Fails with one line naming the first untrusted path (the plugin directory, one of its parents, or
     * a jar) and what to do.
     */
    public static void check(Path dir, Iterable<Path> jars, Users users) throws PkttraceException {
        Path real = realPath(dir);
        // The directory itself: nobody else may add a jar, even with the sticky bit.
        requireTrusted(real, "plugin directory " + real, users, false);
        requireParentsTrusted(real, users);
        for (Path jar : jars) {
            requireTrusted(jar, "plugin " + jar, users, false);
            Path target = realPath(jar);
            if (!target.getParent().equals(real)) { // a link to a jar elsewhere: check where it really is
                requireTrusted(target, "plugin " + target + " (linked from " + jar + ")", users, false);
                requireParentsTrusted(target, users);
            }
        }
    }

    private static Path realPath(Path p) throws PkttraceException {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new PkttraceException("cannot resolve " + p + " (" + e.getMessage() + ")", null);
        }
    }

    private static void requireParentsTrusted(Path real, Users users) throws PkttraceException {
        for (Path p = real.getParent(); p != null; p = p.getParent()) {
            requireTrusted(p, "directory " + p + " (above the plugins)", users, true);
        }
    }

    private static void requireTrusted(Path p, String what, Users users, boolean stickyAllowed) throws PkttraceException {
        int uid;
        int mode;
        try {
            uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new PkttraceException("cannot check the owner of " + p + " (" + e.getMessage() + ")",
                    "plugins are loaded only from a local POSIX file system");
        }
        String fix = "make it owned by root and not writable by others (chown root " + p + "; chmod go-w " + p
                + "), or move the plugins elsewhere; --allow-untrusted-plugins loads them anyway";
        if (!users.trusts(uid)) {
            throw new PkttraceException("refusing to load plugins: " + what + " is owned by user " + uid
                    + ", who could put code there that pkttrace would run as root", fix);
        }
        if ((mode & 0170000) == 0120000) {
            return; // a symbolic link's own mode means nothing; where it points is checked separately
        }
        boolean othersWrite = (mode & 02) != 0;
        boolean groupWrite = (mode & 020) != 0;
        if ((othersWrite || groupWrite) && !(stickyAllowed && (mode & STICKY) != 0)) {
            throw new PkttraceException("refusing to load plugins: " + what + " is writable by "
                    + (othersWrite ? "every user" : "its group")
                    + ", who could put code there that pkttrace would run as root", fix);
        }
    }
}
