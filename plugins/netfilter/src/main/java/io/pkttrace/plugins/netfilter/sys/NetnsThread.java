package io.pkttrace.plugins.netfilter.sys;

import io.pkttrace.api.PkttraceException;
import java.nio.file.Path;

/**
 * Runs work inside another network namespace on the calling thread: setns(2) moves only the calling
 * thread, so sockets it opens meanwhile (netlink, libnftables', BPF netfilter links) belong to that
 * namespace, and it then comes back. Each thread that uses it remembers where it started.
 */
public final class NetnsThread {
    /** Work done inside a namespace. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws PkttraceException;
    }

    private final Native n;
    private final ThreadLocal<Integer> home = new ThreadLocal<>();

    public NetnsThread(Native n) {
        this.n = n;
    }

    /** Enters the namespace at {@code path} (/run/netns/NAME or /proc/PID/ns/net), runs {@code work}, returns. */
    public <T> T in(Path path, Work<T> work) throws PkttraceException {
        Integer origin = home.get();
        if (origin == null) {
            origin = open(Path.of("/proc/thread-self/ns/net"));
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

    /** Releases this thread's handle on its original namespace. */
    public void release() {
        Integer origin = home.get();
        if (origin != null) {
            n.libc().close(origin);
            home.remove();
        }
    }
}
