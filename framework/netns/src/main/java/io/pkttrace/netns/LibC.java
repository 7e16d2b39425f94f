package io.pkttrace.netns;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls for working in other network namespaces: entering one (setns(2) on an open nsfs
 * file) and the sockets opened there (netlink, packet sockets). Values are Linux's (x86-64 and arm64
 * agree on all of them).
 */
public interface LibC {
    int AF_NETLINK = 16;
    int AF_PACKET = 17;
    int SOCK_RAW = 3;
    int SOCK_NONBLOCK = 0x800;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_ROUTE = 0;
    int NETLINK_NETFILTER = 12;
    int SOL_SOCKET = 1;
    int SOL_PACKET = 263;
    int SOL_NETLINK = 270;
    int SO_RCVBUF = 8;
    int SO_RCVTIMEO = 20;
    int SO_RCVBUFFORCE = 33;
    int SO_ATTACH_BPF = 50;
    int SO_MEMINFO = 55;
    int NETLINK_ADD_MEMBERSHIP = 1;
    int PACKET_IGNORE_OUTGOING = 23;
    int ETH_P_ALL = 0x0003;
    int CLONE_NEWNET = 0x40000000;
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int EPERM = 1;
    int EINTR = 4;
    int EAGAIN = 11;
    int ENODEV = 19;
    int ENOBUFS = 105;

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, Pointer addr, int len);

    @SaveError
    int setsockopt(int fd, int level, int name, Pointer value, int len);

    @SaveError
    int getsockopt(int fd, int level, int name, Pointer value, Pointer len);

    @SaveError
    int getsockname(int fd, Pointer addr, Pointer len);

    @SaveError
    @ssize_t long send(int fd, Pointer buf, @size_t long len, int flags);

    @SaveError
    @ssize_t long recv(int fd, Pointer buf, @size_t long len, int flags);

    @SaveError
    int open(String path, int flags);

    int close(int fd);

    /** Moves the calling thread (only) into the namespace {@code fd} refers to. */
    @SaveError
    int setns(int fd, int nstype);

    String strerror(int errnum);
}
