package io.pkttrace.plugins.netfilter.nft;

import io.pkttrace.api.PkttraceException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * One libnftables context, opened while the calling thread is in a network namespace: its netlink
 * socket, and so every command it runs, belongs to that namespace. A table created with
 * {@code flags owner} through it lives exactly as long as this context (the kernel deletes it when
 * the socket closes, also when the process is killed). Listings print without counters and with
 * rule handles ({@code nft -s -a}). Not thread-safe.
 */
public final class NftContext implements AutoCloseable {
    private static volatile LibNftables lib;
    private Pointer ctx;

    private NftContext(Pointer ctx) {
        this.ctx = ctx;
    }

    static LibNftables library() throws PkttraceException {
        LibNftables l = lib;
        if (l == null) {
            synchronized (NftContext.class) {
                if (lib == null) {
                    try {
                        lib = LibraryLoader.create(LibNftables.class).failImmediately().load("libnftables.so.1");
                    } catch (UnsatisfiedLinkError | RuntimeException e) {
                        throw new PkttraceException("libnftables (libnftables.so.1) could not be loaded",
                                "install it: apt-get install -y libnftables1", e);
                    }
                }
                l = lib;
            }
        }
        return l;
    }

    /** Opens a context in the calling thread's network namespace. */
    public static NftContext open() throws PkttraceException {
        LibNftables l = library();
        Pointer p = l.nft_ctx_new(LibNftables.NFT_CTX_DEFAULT);
        if (p == null) {
            throw new PkttraceException("libnftables could not open a context (nft_ctx_new failed)", null);
        }
        l.nft_ctx_buffer_output(p);
        l.nft_ctx_buffer_error(p);
        l.nft_ctx_output_set_flags(p, LibNftables.NFT_CTX_OUTPUT_STATELESS | LibNftables.NFT_CTX_OUTPUT_HANDLE);
        return new NftContext(p);
    }

    /**
     * Runs nft commands (the syntax of {@code nft -f}) as one transaction and returns what they printed.
     *
     * @throws NftException with nft's error text when the kernel or the parser refused them
     */
    public String run(String commands) throws PkttraceException {
        if (ctx == null) {
            throw new IllegalStateException("nft context closed");
        }
        LibNftables l = library();
        int rc = l.nft_run_cmd_from_buffer(ctx, commands);
        String out = nullToEmpty(l.nft_ctx_get_output_buffer(ctx));
        String err = nullToEmpty(l.nft_ctx_get_error_buffer(ctx));
        if (rc != 0) {
            throw new NftException(err);
        }
        return out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        if (ctx != null) {
            try {
                library().nft_ctx_free(ctx);
            } catch (PkttraceException e) {
                // the library was loaded when the context was opened
            }
            ctx = null;
        }
    }

    /** nft refused a command; {@link #nftError()} is what nft printed, {@link #getMessage()} its gist. */
    public static final class NftException extends PkttraceException {
        private static final long serialVersionUID = 1L;
        private final String nftError;

        public NftException(String nftError) {
            super("nft: " + gist(nftError), null);
            this.nftError = nftError;
        }

        public String nftError() {
            return nftError;
        }

        /** The first "Error: ..." line without the prefix, else the first non-comment line. */
        static String gist(String err) {
            String fallback = null;
            for (String line : err.split("\n")) {
                String t = line.strip();
                if (t.startsWith("Error: ")) {
                    return t.substring(7);
                }
                if (fallback == null && !t.isEmpty() && !t.startsWith("#")) {
                    fallback = t;
                }
            }
            return fallback == null ? "failed" : fallback;
        }

        /** True when the kernel said the operation is not permitted (no CAP_NET_ADMIN, or another owner's table). */
        public boolean notPermitted() {
            return nftError.contains("Operation not permitted");
        }

        /** True when the kernel has no nf_tables (or lacks what the command needs). */
        public boolean unsupported() {
            return nftError.contains("Protocol not supported") || nftError.contains("Operation not supported")
                    || nftError.contains("No such file or directory");
        }
    }
}
