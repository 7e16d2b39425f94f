package io.pkttrace.plugins.netpath.stacked;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.netns.LibC;
import io.pkttrace.netns.Native;
import jnr.ffi.Pointer;

/**
 * An AF_PACKET socket bound to one device of the calling thread's namespace, with a BPF socket filter
 * that records what it sees and accepts nothing. Bound to the device, it sits on that device's
 * {@code ptype_all} list only: other devices never see it. Closing the socket (also by the kernel
 * when the process dies) removes it.
 */
final class PacketTap implements AutoCloseable {
    private static final int SOCKADDR_LL = 20;

    private final Native n;
    private final int ifindex;
    private int fd;

    private PacketTap(Native n, int fd, int ifindex) {
        this.n = n;
        this.fd = fd;
        this.ifindex = ifindex;
    }

    /**
     * Opens the tap on device {@code ifindex} of the current namespace, or returns null when there is
     * no such device (any more). The socket is created with protocol 0, so that it receives nothing
     * until bind, and gets its filter and PACKET_IGNORE_OUTGOING (no copy of transmitted packets is
     * made for it) before that.
     */
    static PacketTap open(Native n, int programFd, int ifindex) throws PkttraceException {
        LibC c = n.libc();
        int fd = c.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw failed(n, "open an AF_PACKET socket", n.errno());
        }
        PacketTap tap = new PacketTap(n, fd, ifindex);
        try {
            Pointer v = n.allocate(4);
            v.putInt(0, programFd);
            if (c.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_BPF, v, 4) != 0) {
                throw failed(n, "attach the socket filter to an AF_PACKET socket", n.errno());
            }
            v.putInt(0, 1);
            if (c.setsockopt(fd, LibC.SOL_PACKET, LibC.PACKET_IGNORE_OUTGOING, v, 4) != 0) {
                throw failed(n, "set PACKET_IGNORE_OUTGOING (kernel >= 4.20)", n.errno());
            }
            v.putInt(0, 0); // the smallest receive buffer: nothing is ever queued
            c.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, v, 4);
            Pointer sll = n.allocate(SOCKADDR_LL);
            sll.putShort(0, (short) LibC.AF_PACKET);
            sll.putShort(2, Short.reverseBytes((short) LibC.ETH_P_ALL)); // network byte order
            sll.putInt(4, ifindex);
            if (c.bind(fd, sll, SOCKADDR_LL) != 0) {
                int err = n.errno();
                if (err == LibC.ENODEV) {
                    tap.close();
                    return null;
                }
                throw failed(n, "bind an AF_PACKET socket to device " + ifindex, err);
            }
            return tap;
        } catch (PkttraceException | RuntimeException e) {
            tap.close();
            throw e;
        }
    }

    private static PkttraceException failed(Native n, String what, int err) {
        return new PkttraceException("cannot " + what + " (" + n.strerror(err) + ")",
                err == LibC.EPERM ? "run pkttrace as root (packet taps need CAP_NET_RAW)" : null);
    }

    /**
     * False once the device it was bound to went away (unregistered, or moved to another namespace):
     * the kernel then unhooks the socket and reports its index as -1. A device that is only down keeps
     * its tap, which the kernel re-hooks when the device comes up.
     */
    boolean alive() {
        if (fd < 0) {
            return false;
        }
        Pointer sll = n.allocate(SOCKADDR_LL);
        Pointer len = n.allocate(4);
        len.putInt(0, SOCKADDR_LL);
        return n.libc().getsockname(fd, sll, len) == 0 && sll.getInt(4) == ifindex;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            n.libc().close(fd);
            fd = -1;
        }
    }
}
