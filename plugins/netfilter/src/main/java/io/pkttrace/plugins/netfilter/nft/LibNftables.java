package io.pkttrace.plugins.netfilter.nft;

import jnr.ffi.Pointer;

/** The part of libnftables (libnftables.so.1, package libnftables1) the probe calls, through jnr-ffi. */
public interface LibNftables {
    int NFT_CTX_DEFAULT = 0;
    /** Output flags (enum in libnftables.h). */
    int NFT_CTX_OUTPUT_STATELESS = 1 << 2;
    int NFT_CTX_OUTPUT_HANDLE = 1 << 3;

    /** Opens a context; with NFT_CTX_DEFAULT it opens its netlink socket here, in the calling thread's namespace. */
    Pointer nft_ctx_new(int flags);

    /** Frees the context and closes its socket: the kernel then deletes the tables it owns. */
    void nft_ctx_free(Pointer ctx);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    /** What was printed since the last call (the buffer is rewound). */
    String nft_ctx_get_output_buffer(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    void nft_ctx_output_set_flags(Pointer ctx, int flags);

    int nft_run_cmd_from_buffer(Pointer ctx, String buf);
}
