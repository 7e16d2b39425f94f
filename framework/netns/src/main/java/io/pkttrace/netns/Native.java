package io.pkttrace.netns;

import io.pkttrace.api.PkttraceException;
import java.nio.ByteBuffer;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** {@link LibC} through jnr-ffi (the host's), loaded once per process. */
public final class Native {
    private static volatile Native instance;
    private final LibC libc;
    private final Runtime runtime;

    private Native(LibC libc) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
    }

    /** The process-wide instance. */
    public static Native get() throws PkttraceException {
        Native n = instance;
        if (n == null) {
            synchronized (Native.class) {
                n = instance;
                if (n == null) {
                    try {
                        n = new Native(LibraryLoader.create(LibC.class).failImmediately().load("c"));
                    } catch (UnsatisfiedLinkError | RuntimeException e) {
                        throw new PkttraceException("libc could not be loaded through jnr-ffi (" + e.getMessage() + ")", null, e);
                    }
                    instance = n;
                }
            }
        }
        return n;
    }

    public LibC libc() {
        return libc;
    }

    /** errno of the last {@code @SaveError} call on this thread. */
    public int errno() {
        return LastError.getLastError(runtime);
    }

    public String strerror(int errno) {
        return libc.strerror(errno);
    }

    /** Zeroed native memory, freed when the pointer is garbage. */
    public Pointer allocate(int size) {
        return Memory.allocateDirect(runtime, size, true);
    }

    /** A native view of a direct buffer (no copy). */
    public Pointer wrap(ByteBuffer direct) {
        return Pointer.wrap(runtime, direct);
    }
}
