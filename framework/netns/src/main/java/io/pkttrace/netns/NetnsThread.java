package io.pkttrace.netns;

import io.pkttrace.api.PkttraceException;
import java.nio.file.Path;

/**
 * Runs work inside another network namespace on the calling thread: setns(2) moves only the calling
 * thread, so what it opens meanwhile (netlink and packet sockets, libnftables' sockets, BPF netfilter
 * links) belongs to that namespace for life; then it comes back. Each thread that uses it keeps a
 * handle on the namespace it started in until it calls {@link #release()}.
 */
public final class NetnsThread implements AutoCloseable {
    /** Work done inside a namespace. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws PkttraceException;
    }

    private static final Path OWN = Path.of("/proc/thread-self/ns/net");

    private final Native n;
    private final ThreadLocal<Integer> home = new ThreadLocal<>();

    public NetnsThread(Native n) {
        this.n = n;
    }

    /** Enters the namespace at {@code path} (/run/netns/NAME or /proc/PID/ns/net), runs {@code work}, comes back. */
    public <T> T in(Path path, Work<T> work) throws PkttraceException {
        Integer origin = home.get();
        if (origin == null) {
            origin = open(OWN);
            home.set(origin);
        }
        int target = open(path);
        try {
            if (n.libc().setns(target, LibC.CLONE_NEWNET) != 0) {
                int err = n.errno();
                throw new PkttraceException("cannot enter network namespace " + path + " (" + n.strerror(err) + ")",
                        err == LibC.EPERM ? "run pkttrace as root (entering namespaces needs CAP_SYS_ADMIN)" : null);
            }
            try {
                return work.run();
            } finally {
                if (n.libc().setns(origin, LibC.CLONE_NEWNET) != 0) {
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

    /** Releases the calling thread's handle on its original namespace (it may enter others again later). */
    public void release() {
        Integer origin = home.get();
        if (origin != null) {
            n.libc().close(origin);
            home.remove();
        }
    }

    /** {@link #release()}: for one thread's use in a try-with-resources. */
    @Override
    public void close() {
        release();
    }
}
