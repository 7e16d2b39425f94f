package io.pkttrace.plugins.netfilter.sys;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.netns.LibC;
import io.pkttrace.netns.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;

/**
 * A non-blocking NETLINK_NETFILTER socket subscribed to multicast groups, in the network namespace
 * of the thread that opened it (a netlink socket belongs to one namespace for life). Messages are
 * received straight into a direct buffer; a receive buffer overrun (ENOBUFS) is reported by
 * {@link #receive()} and the exact number of messages the kernel dropped is read with SO_MEMINFO.
 * Used by one thread at a time.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** A receive result: no more data for now. */
    public static final int EMPTY = 0;
    /** A receive result: the kernel dropped messages because the receive buffer was full. */
    public static final int OVERRUN = -1;
    /** Index of the drop counter in SO_MEMINFO's array (SK_MEMINFO_DROPS). */
    private static final int SK_MEMINFO_DROPS = 8;
    private static final int SK_MEMINFO_VARS = 9;

    private final Native n;
    private final ByteBuffer buffer;
    private final Pointer bufferPtr;
    private int fd;

    private NetlinkSocket(Native n, int fd, int bufferBytes) {
        this.n = n;
        this.fd = fd;
        this.buffer = ByteBuffer.allocateDirect(bufferBytes).order(ByteOrder.nativeOrder());
        this.bufferPtr = n.wrap(buffer);
    }

    /**
     * Opens a socket in the calling thread's network namespace, asks for a receive buffer of
     * {@code rcvbuf} bytes and joins {@code groups}.
     */
    public static NetlinkSocket open(Native n, int rcvbuf, int... groups) throws PkttraceException {
        LibC c = n.libc();
        int fd = c.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, LibC.NETLINK_NETFILTER);
        if (fd < 0) {
            int err = n.errno();
            throw new PkttraceException("cannot open a netfilter netlink socket (" + n.strerror(err) + ")",
                    "the kernel needs nfnetlink (CONFIG_NETFILTER_NETLINK)");
        }
        NetlinkSocket s = new NetlinkSocket(n, fd, 1 << 16);
        try {
            Pointer addr = n.allocate(12); // sockaddr_nl: family, pad, pid 0 (the kernel picks), groups 0
            addr.putShort(0, (short) LibC.AF_NETLINK);
            s.check(c.bind(fd, addr, 12), "bind");
            Pointer v = n.allocate(4);
            v.putInt(0, rcvbuf);
            // FORCE goes past net.core.rmem_max (root); the plain option is capped by it.
            if (c.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, v, 4) != 0) {
                s.check(c.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, v, 4), "set the receive buffer size of");
            }
            for (int g : groups) {
                v.putInt(0, g);
                s.check(c.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_ADD_MEMBERSHIP, v, 4), "join group " + g + " with");
            }
            return s;
        } catch (PkttraceException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void check(int rc, String what) throws PkttraceException {
        if (rc != 0) {
            int err = n.errno();
            throw new PkttraceException("cannot " + what + " a netfilter netlink socket (" + n.strerror(err) + ")",
                    err == LibC.EPERM ? "run pkttrace as root (netfilter tracing needs CAP_NET_ADMIN)" : null);
        }
    }

    /**
     * Reads one datagram (one or more netlink messages) into {@link #buffer()}, positioned at 0 with
     * its length as limit.
     *
     * @return its length, {@link #EMPTY} when nothing is pending, {@link #OVERRUN} after the kernel
     *         dropped messages (reading again continues with what it kept)
     */
    public int receive() throws PkttraceException {
        while (true) {
            long got = n.libc().recv(fd, bufferPtr, buffer.capacity(), 0);
            if (got > 0) {
                buffer.clear().limit((int) got);
                return (int) got;
            }
            if (got == 0) {
                return EMPTY;
            }
            int err = n.errno();
            if (err == LibC.EAGAIN) {
                return EMPTY;
            }
            if (err == LibC.ENOBUFS) {
                return OVERRUN;
            }
            if (err != LibC.EINTR) {
                throw new PkttraceException("reading netfilter netlink messages failed (" + n.strerror(err) + ")", null);
            }
        }
    }

    /** Sends one request (tests, probing). */
    public void send(ByteBuffer message) throws PkttraceException {
        Pointer p = n.allocate(message.remaining());
        byte[] b = new byte[message.remaining()];
        message.duplicate().get(b);
        p.put(0, b, 0, b.length);
        if (n.libc().send(fd, p, b.length, 0) != b.length) {
            throw new PkttraceException("sending a netlink message failed (" + n.strerror(n.errno()) + ")", null);
        }
    }

    /** The buffer {@link #receive()} fills (native byte order). */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Messages the kernel dropped for this socket so far (SO_MEMINFO, SK_MEMINFO_DROPS). */
    public long drops() {
        if (fd < 0) {
            return 0;
        }
        Pointer v = n.allocate(4 * SK_MEMINFO_VARS);
        Pointer len = n.allocate(4);
        len.putInt(0, 4 * SK_MEMINFO_VARS);
        if (n.libc().getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_MEMINFO, v, len) != 0) {
            return 0;
        }
        return v.getInt(4L * SK_MEMINFO_DROPS) & 0xffffffffL;
    }

    /** The receive buffer size the kernel granted (it doubles the request for bookkeeping). */
    public int receiveBufferBytes() {
        Pointer v = n.allocate(4);
        Pointer len = n.allocate(4);
        len.putInt(0, 4);
        return n.libc().getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, v, len) == 0 ? v.getInt(0) : -1;
    }

    public boolean isOpen() {
        return fd >= 0;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            n.libc().close(fd);
            fd = -1;
        }
    }
}
