package io.pkttrace.core.bpf;

import io.pkttrace.api.PkttraceException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads libbpf and libc once per process, routes libbpf's messages to SLF4J and keeps the latest
 * warnings, so that an error the user sees can say what libbpf said.
 */
public final class NativeBpf {
    private static final Logger LOG = LoggerFactory.getLogger("io.pkttrace.libbpf");
    private static final int SC_PAGESIZE = 30;
    private static final int RECENT = 40;
    private static volatile NativeBpf instance;

    private final LibBpf bpf;
    private final LibC libc;
    private final Runtime runtime;
    private final long pageSize;
    private final Deque<String> recent = new ArrayDeque<>();
    // Held so the callback stays reachable as long as libbpf may call it.
    private final LibBpf.PrintFn printFn;

    private NativeBpf() throws PkttraceException {
        try {
            libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
            bpf = LibraryLoader.create(LibBpf.class).failImmediately().load("libbpf.so.1");
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new PkttraceException("libbpf (libbpf.so.1) could not be loaded",
                    "install it: apt-get install -y libbpf1", e);
        }
        runtime = Runtime.getRuntime(bpf);
        pageSize = libc.sysconf(SC_PAGESIZE);
        printFn = this::onLibbpfMessage;
        bpf.libbpf_set_print(printFn);
    }

    /** The process-wide instance; loads the libraries on first use. */
    public static NativeBpf get() throws PkttraceException {
        NativeBpf n = instance;
        if (n == null) {
            synchronized (NativeBpf.class) {
                n = instance;
                if (n == null) {
                    n = new NativeBpf();
                    instance = n;
                }
            }
        }
        return n;
    }

    public LibBpf bpf() {
        return bpf;
    }

    public LibC libc() {
        return libc;
    }

    public Runtime runtime() {
        return runtime;
    }

    public long pageSize() {
        return pageSize;
    }

    /** errno of the last {@code @SaveError} call on this thread. */
    public int errno() {
        return LastError.getLastError(runtime);
    }

    /** Off-heap memory that lives as long as the returned pointer is reachable. */
    public Pointer allocate(long size) {
        return Memory.allocateDirect(runtime, (int) size, true);
    }

    /** Human text for an errno value. */
    public String strerror(int errno) {
        Pointer buf = allocate(256);
        bpf.libbpf_strerror(errno, buf, 256);
        return buf.getString(0);
    }

    /** libbpf warnings since the last call, oldest first; clears them. */
    public List<String> takeRecentWarnings() {
        synchronized (recent) {
            List<String> copy = List.copyOf(recent);
            recent.clear();
            return copy;
        }
    }

    private int onLibbpfMessage(int level, Pointer format, Pointer args) {
        Pointer buf = allocate(2048);
        libc.vsnprintf(buf, 2048, format, args);
        String msg = buf.getString(0).stripTrailing();
        if (level == 0) { // LIBBPF_WARN
            LOG.debug("{}", msg);
            synchronized (recent) {
                if (recent.size() == RECENT) {
                    recent.removeFirst();
                }
                recent.addLast(msg);
            }
        } else {
            LOG.trace("{}", msg);
        }
        return 0;
    }
}
