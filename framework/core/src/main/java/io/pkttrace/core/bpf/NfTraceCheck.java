package io.pkttrace.core.bpf;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Pointer;

/**
 * Whether nf_tables rule tracing can be used: nf_tables is in the kernel (its BTF, built in or as a
 * module, names nft_do_chain), this process may join the NFNLGRP_NFTRACE netlink group (tried), and
 * whether tables can be owned by their netlink socket (NFT_TABLE_F_OWNER, Linux 5.12), which makes
 * pkttrace's marking table vanish with it, also on SIGKILL.
 */
final class NfTraceCheck {
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int NETLINK_NETFILTER = 12;
    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_ADD_MEMBERSHIP = 1;
    private static final int NFNLGRP_NFTRACE = 9;

    private NfTraceCheck() {
    }

    static KernelProbes.Finding check() {
        boolean nfTables;
        try {
            nfTables = Files.exists(Path.of("/sys/kernel/btf/nf_tables"))
                    || Btf.vmlinux().find("nft_do_chain", BtfKind.FUNC) >= 0;
        } catch (IOException | RuntimeException e) {
            nfTables = Files.isDirectory(Path.of("/sys/module/nf_tables"));
        }
        if (!nfTables) {
            return new KernelProbes.Finding(KernelProbes.State.ABSENT, "nf_tables is not in this kernel (no nft_do_chain in"
                    + " its BTF, no nf_tables module loaded): modprobe nf_tables");
        }
        String join = joinTraceGroup();
        if (join != null) {
            return new KernelProbes.Finding(join.startsWith("not allowed") ? KernelProbes.State.UNKNOWN
                    : KernelProbes.State.ABSENT, join);
        }
        boolean owner = KernelFeatures.kernelEnumHas("nft_table_flags", "NFT_TABLE_F_OWNER");
        return new KernelProbes.Finding(KernelProbes.State.PRESENT, "joined NFNLGRP_NFTRACE; table owner flag "
                + (owner ? "present: pkttrace's table vanishes with it, also on SIGKILL"
                : "absent (Linux < 5.12): a table left by a killed pkttrace is removed by the next run"));
    }

    /** Null when a netfilter netlink socket joined the trace group; else why not. */
    private static String joinTraceGroup() {
        NativeBpf n;
        try {
            n = NativeBpf.get();
        } catch (PkttraceException e) {
            return "cannot check: " + e.getMessage();
        }
        int fd = n.libc().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
        if (fd < 0) {
            return "no netfilter netlink socket (" + n.strerror(n.errno()) + ")";
        }
        try {
            Pointer group = n.allocate(4);
            group.putInt(0, NFNLGRP_NFTRACE);
            if (n.libc().setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group, 4) != 0) {
                int err = n.errno();
                return err == 1 || err == 13 ? "not allowed to join the trace group (" + n.strerror(err) + "): needs CAP_NET_ADMIN"
                        : "cannot join the trace group (" + n.strerror(err) + ")";
            }
            return null;
        } finally {
            n.libc().close(fd);
        }
    }
}
