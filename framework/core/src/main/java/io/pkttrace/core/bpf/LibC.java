package io.pkttrace.core.bpf;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;

/** The few libc calls the engine needs: mapping ring buffers and formatting libbpf messages. */
public interface LibC {
    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int MAP_SHARED = 1;

    @SaveError
    Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, long offset);

    int munmap(Pointer addr, @size_t long length);

    int vsnprintf(Pointer buf, @size_t long size, Pointer format, Pointer args);

    long sysconf(int name);

    int geteuid();

    /** The raw system call, for bpf() commands libbpf 1.1 has no wrapper for (BPF_LINK_CREATE of netfilter and uprobe.multi links). */
    @SaveError
    long syscall(long number, long arg1, Pointer arg2, long arg3);

    int close(int fd);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int setsockopt(int fd, int level, int name, Pointer value, int length);

    /** 1 when the descriptor is a terminal. */
    int isatty(int fd);
}
