package io.pkttrace.plugins.netfilter;

import java.util.Set;

/**
 * What the netfilter probe traces and how.
 *
 * @param mechanism  how verdicts are obtained (see {@link Mechanism})
 * @param namespaces /run/netns names or inode numbers to trace; empty for every namespace
 * @param rcvbufBytes netlink receive buffer per namespace; trace messages beyond it are lost (and counted)
 * @param continues  also report rules that matched without deciding (counter, log, ...)
 * @param optional   when the probe cannot run, say why in one line and let the run go on without it
 *                   (how {@code ping} includes it by default); otherwise the run fails
 */
public record NetfilterConfig(Mechanism mechanism, Set<String> namespaces, int rcvbufBytes, boolean continues,
                              boolean optional) {
    public static final int DEFAULT_RCVBUF = 4 << 20;

    /** How verdicts are obtained. */
    public enum Mechanism {
        /** nftrace for nf_tables, plus BPF on ipt/ip6t_do_table for legacy iptables where the kernel allows. */
        AUTO,
        /** Only the kernel's nftables tracing: rule handle and text, marks only the selected packets. */
        NFTRACE,
        /** Only BPF fexit programs on nft_do_chain / ipt_do_table / ip6t_do_table: chain verdicts, no rule added. */
        FEXIT,
        /** Only BPF kprobe + kretprobe programs on the same functions. */
        KRETPROBE;

        public String label() {
            return name().toLowerCase();
        }
    }

    public NetfilterConfig {
        namespaces = Set.copyOf(namespaces);
    }

    public static NetfilterConfig defaults() {
        return new NetfilterConfig(Mechanism.AUTO, Set.of(), DEFAULT_RCVBUF, false, false);
    }

    /** True when {@code name} (may be null) or {@code inode} was chosen, or nothing was. */
    public boolean traces(long inode, String name) {
        return namespaces.isEmpty() || namespaces.contains(Long.toString(inode)) || (name != null && namespaces.contains(name));
    }
}
