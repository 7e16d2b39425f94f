package io.pkttrace.plugins.netpath.netns;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.plugins.netpath.sys.LibC;
import io.pkttrace.plugins.netpath.sys.Native;
import java.nio.file.Path;

/**
 * Does work inside another network namespace on the calling thread: setns(2) moves only the calling
 * thread, so sockets opened meanwhile belong to that namespace for life; then it comes back. Meant
 * for one dedicated thread, which holds a handle on its home namespace until {@link #close()}.
 */
public final class NetnsEntry implements AutoCloseable {
    /** Work done inside a namespace. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws PkttraceException;
    }

    private final Native n;
    private int home = -1;

    public NetnsEntry(Native n) {
        this.n = n;
    }

    /** Enters the namespace {@code handle} (/run/netns/NAME or /proc/PID/ns/net), runs {@code work}, comes back. */
    public <T> T in(Path handle, Work<T> work) throws PkttraceException {
        if (home < 0) {
            home = open(Path.of("/proc/thread-self/ns/net"));
        }
        int target = open(handle);
        try {
            if (n.libc().setns(target, LibC.CLONE_NEWNET) != 0) {
                int err = n.errno();
                throw new PkttraceException("cannot enter network namespace " + handle + " (" + n.strerror(err) + ")",
                        err == LibC.EPERM ? "run pkttrace as root (entering namespaces needs CAP_SYS_ADMIN)" : null);
            }
            try {
                return work.run();
            } finally {
                if (n.libc().setns(home, LibC.CLONE_NEWNET) != 0) {
                    // Staying in a foreign namespace would silently misplace everything opened later.
                    throw new IllegalStateException("cannot return to the original network namespace: " + n.strerror(n.errno()));
                }
            }
        } finally {
            n.libc().close(target);
        }
    }

    private int open(Path p) throws PkttraceException {
        int fd = n.libc().open(p.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            int err = n.errno();
            throw new PkttraceException("cannot open network namespace " + p + " (" + n.strerror(err) + ")", null);
        }
        return fd;
    }

    @Override
    public void close() {
        if (home >= 0) {
            n.libc().close(home);
            home = -1;
        }
    }
}
