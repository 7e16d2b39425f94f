package io.pkttrace.plugins.netpath.stacked;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.netns.LibC;
import io.pkttrace.netns.Native;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * Lists the devices of the calling thread's network namespace with one rtnetlink dump. Reuses its
 * receive buffer; used by one thread.
 */
final class LinkDump {
    private static final int BUFFER = 1 << 17;
    private static final long TIMEOUT_US = 2_000_000;

    private final Native n;
    private final Pointer buffer;
    private final byte[] bytes = new byte[BUFFER];
    private int seq;

    LinkDump(Native n) {
        this.n = n;
        this.buffer = n.allocate(BUFFER);
    }

    /** The devices of the current namespace. */
    List<Link> links() throws PkttraceException {
        LibC c = n.libc();
        int fd = c.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) {
            throw failed("open an rtnetlink socket", n.errno());
        }
        try {
            Pointer tv = n.allocate(16); // struct timeval: a kernel that never answers must not hang the thread
            tv.putLong(0, TIMEOUT_US / 1_000_000);
            tv.putLong(8, TIMEOUT_US % 1_000_000);
            c.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv, 16);
            int s = ++seq;
            ByteBuffer req = LinkMessages.dumpRequest(s);
            Pointer p = n.allocate(req.remaining());
            p.put(0, req.array(), 0, req.remaining());
            if (c.send(fd, p, req.remaining(), 0) != req.remaining()) {
                throw failed("send a link dump request", n.errno());
            }
            List<Link> links = new ArrayList<>();
            while (true) {
                long got = c.recv(fd, buffer, BUFFER, 0);
                if (got < 0) {
                    int err = n.errno();
                    if (err == LibC.EINTR) {
                        continue;
                    }
                    throw failed("read the link dump", err);
                }
                buffer.get(0, bytes, 0, (int) got);
                try {
                    if (LinkMessages.parse(ByteBuffer.wrap(bytes, 0, (int) got), s, links) == LinkMessages.Outcome.DONE) {
                        return links;
                    }
                } catch (IllegalArgumentException e) {
                    throw new PkttraceException("cannot read the device list (" + e.getMessage() + ")", null);
                }
            }
        } finally {
            c.close(fd);
        }
    }

    private PkttraceException failed(String what, int err) {
        return new PkttraceException("cannot " + what + " (" + n.strerror(err) + ")", null);
    }
}
