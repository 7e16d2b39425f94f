package io.pkttrace.plugins.netfilter.ns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.plugins.netfilter.nft.NftContext;
import org.junit.jupiter.api.Test;

/**
 * What the user reads when the kernel refuses pkttrace's table. A kernel without nf_tables cannot be
 * produced on a machine that has it built in: the error text is nft's own for that case.
 */
class NftErrorsTest {
    @Test
    void aKernelWithoutNfTablesIsOneLineSayingWhatIsMissing() {
        NftContext.NftException e = new NftContext.NftException(
                "Error: Could not process rule: Protocol not supported\nadd table inet pkttrace_1_ab\n^^^^^^^^^\n");
        assertTrue(e.unsupported());
        assertEquals("netfilter: this kernel has no usable nf_tables (nft: Could not process rule: Protocol not supported):"
                + " netfilter tracing needs CONFIG_NF_TABLES and CONFIG_NF_TABLES_INET; use --probe netpath alone",
                NamespaceWorker.unsupported(e).userLine());
    }

    @Test
    void nftsGistSkipsItsWarnings() {
        NftContext.NftException e = new NftContext.NftException(
                "# Warning: table ip filter is managed by iptables-nft, do not touch!\nError: Could not process rule: Operation not permitted\n");
        assertTrue(e.notPermitted());
        assertEquals("nft: Could not process rule: Operation not permitted", e.getMessage());
    }
}
