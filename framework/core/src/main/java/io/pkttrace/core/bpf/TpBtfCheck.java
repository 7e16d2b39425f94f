package io.pkttrace.core.bpf;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * Whether BTF tracepoints (tp_btf) load and attach here: a two-instruction tracing program is loaded
 * for a real tracepoint and attached, with raw bpf() calls. Through libbpf the same trial parses the
 * kernel's BTF once more (a quarter of a second and more, on every run of a probe that asks); here the
 * tracepoint's BTF id comes from pkttrace's own BTF reader, and the kernel's verifier and attach
 * decide exactly as for a libbpf-loaded program.
 */
final class TpBtfCheck {
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_RAW_TRACEPOINT_OPEN = 17;
    private static final int BPF_PROG_TYPE_TRACING = 26;
    private static final int BPF_TRACE_RAW_TP = 23;
    /** union bpf_attr for BPF_PROG_LOAD up to attach_btf_id (@108) and a zeroed rest. */
    private static final int PROG_LOAD_ATTR_SIZE = 128;
    private static final int RAW_TP_ATTR_SIZE = 16;
    /** r0 = 0; exit. */
    private static final byte[] PROGRAM = {(byte) 0xb7, 0, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
    private static final byte[] LICENSE = "GPL\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NAME = "pt_feature_tpbt\0".getBytes(StandardCharsets.US_ASCII);

    private TpBtfCheck() {
    }

    /**
     * Loads and attaches a tp_btf program for {@code tracepoint}, then removes it.
     *
     * @return what was attached, for the finding
     * @throws PkttraceException why not (one line)
     */
    static String attach(NativeBpf n, String tracepoint) throws PkttraceException {
        int typeId;
        try {
            typeId = Btf.sysfs().find("btf_trace_" + tracepoint, BtfKind.TYPEDEF); // the kernel's own ids
        } catch (IOException e) {
            throw new PkttraceException("the kernel's BTF cannot be read (" + e.getMessage() + ")", null);
        }
        if (typeId < 0) {
            throw new PkttraceException("the kernel's BTF has no tracepoint " + tracepoint, null);
        }
        Pointer insns = n.allocate(PROGRAM.length);
        insns.put(0, PROGRAM, 0, PROGRAM.length);
        Pointer license = n.allocate(LICENSE.length);
        license.put(0, LICENSE, 0, LICENSE.length);
        Pointer attr = n.allocate(PROG_LOAD_ATTR_SIZE);
        attr.putInt(0, BPF_PROG_TYPE_TRACING);
        attr.putInt(4, PROGRAM.length / 8);
        attr.putLong(8, insns.address());
        attr.putLong(16, license.address());
        attr.put(48, NAME, 0, NAME.length);
        attr.putInt(68, BPF_TRACE_RAW_TP);
        attr.putInt(108, typeId);
        int prog = (int) n.libc().syscall(LibbpfObject.sysBpf(), BPF_PROG_LOAD, attr, PROG_LOAD_ATTR_SIZE);
        if (prog < 0) {
            throw new PkttraceException("loading a tp_btf program failed (" + n.strerror(n.errno()) + ")", null);
        }
        try {
            Pointer open = n.allocate(RAW_TP_ATTR_SIZE);
            open.putLong(0, 0); // no name: a tracing program attaches where its attach_btf_id says
            open.putInt(8, prog);
            int link = (int) n.libc().syscall(LibbpfObject.sysBpf(), BPF_RAW_TRACEPOINT_OPEN, open, RAW_TP_ATTR_SIZE);
            if (link < 0) {
                throw new PkttraceException("attaching a tp_btf program to " + tracepoint + " failed ("
                        + n.strerror(n.errno()) + ")", null);
            }
            n.libc().close(link);
            return "a tp_btf program -> tp_btf:" + tracepoint;
        } finally {
            n.libc().close(prog);
        }
    }
}
