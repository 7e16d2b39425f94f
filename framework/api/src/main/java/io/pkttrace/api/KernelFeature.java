package io.pkttrace.api;

/**
 * A capability of the running kernel (and process) that a probe's mechanism depends on. The engine
 * answers each by really trying it (loading a tiny program of that type, attaching it where that is
 * harmless, reading what the kernel exposes), once per process; {@code pkttrace doctor} shows every
 * answer. See {@link KernelSupport}.
 */
public enum KernelFeature {
    /** Kernel type information (for CO-RE relocations and the engine's own reads): sysfs or {@code --btf FILE}. */
    BTF("BTF"),
    /** BPF ring buffers (Linux 5.8), how every probe hands records to user space. */
    RING_BUFFER("ring buffer"),
    /** BTF-typed tracepoints ({@code tp_btf/...}): typed arguments, the cheapest tracepoint. */
    TP_BTF("tp_btf"),
    /** Raw tracepoints ({@code raw_tp/...}): untyped arguments, no BTF of the kernel needed at load. */
    RAW_TP("raw_tp"),
    /** kprobe/kretprobe on kernel functions (CONFIG_KPROBES). */
    KPROBE("kprobe"),
    /** One link for many kernel functions (CONFIG_FPROBE, Linux 5.18). */
    KPROBE_MULTI("kprobe.multi"),
    /** BPF trampolines on kernel functions: the cheapest function entry/exit hook. */
    FENTRY("fentry/fexit"),
    /** uprobe/uretprobe on user-space functions. */
    UPROBE("uprobe"),
    /** One link for many user-space functions (Linux 6.6). */
    UPROBE_MULTI("uprobe.multi"),
    /** BPF programs on netfilter hooks through a BPF link (Linux 6.4). */
    NETFILTER_LINK("BPF netfilter links"),
    /** nf_tables rule tracing (meta nftrace, NFNLGRP_NFTRACE), with tables owned by their netlink socket. */
    NFTRACE("nf_tables tracing"),
    /** BPF socket filters (e.g. on AF_PACKET taps). */
    SOCKET_FILTER("socket filters");

    private final String label;

    KernelFeature(String label) {
        this.label = label;
    }

    /** How the user knows it, e.g. {@code tp_btf}. */
    public String label() {
        return label;
    }
}
