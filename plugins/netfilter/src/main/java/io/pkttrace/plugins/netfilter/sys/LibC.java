package io.pkttrace.plugins.netfilter.sys;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** The libc calls the netfilter probe needs: netlink sockets and entering network namespaces. */
public interface LibC {
    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_NONBLOCK = 04000;
    int SOCK_CLOEXEC = 02000000;
    int NETLINK_NETFILTER = 12;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_RCVBUFFORCE = 33;
    int SO_MEMINFO = 55;
    int SOL_NETLINK = 270;
    int NETLINK_ADD_MEMBERSHIP = 1;
    int O_RDONLY = 0;
    int O_CLOEXEC = 02000000;
    int CLONE_NEWNET = 0x40000000;
    int EINTR = 4;
    int EPERM = 1;
    int EAGAIN = 11;
    int ENOBUFS = 105;

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, Pointer addr, int addrlen);

    @SaveError
    int setsockopt(int fd, int level, int name, Pointer value, int len);

    @SaveError
    int getsockopt(int fd, int level, int name, Pointer value, Pointer len);

    @SaveError
    @ssize_t long recv(int fd, Pointer buf, @size_t long len, int flags);

    @SaveError
    @ssize_t long send(int fd, Pointer buf, @size_t long len, int flags);

    @SaveError
    int open(String path, int flags);

    int close(int fd);

    /** Moves the calling thread (only) into the namespace {@code fd} refers to. */
    @SaveError
    int setns(int fd, int nstype);

    String strerror(int errnum);
}
