package com.example.pkttrace.xmit;

import io.pkttrace.api.BpfObjectProbe;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import java.util.List;

/** Loads bpf/xmit.bpf.o (compiled from src/main/bpf/xmit.bpf.c by the probe SDK) and attaches it. */
final class XmitProbe extends BpfObjectProbe {
    @Override
    public List<String> describe() {
        return List.of("xmit: tp_btf/net_dev_xmit");
    }

    /** How the one hook attaches on a kernel: start() follows it, and pkttrace doctor shows it. */
    static List<MechanismChoice> mechanisms(KernelSupport kernel) {
        return List.of(MechanismChoice.tpBtf("xmit", "net_dev_xmit", "BTF tracepoint: a driver took the packet", kernel));
    }

    @Override
    public void start(ProbeContext context) throws PkttraceException {
        List<MechanismChoice> choices = mechanisms(context.kernel());
        MechanismChoice.requireRunnable("xmit", choices);
        object = context.openResource("xmit", XmitProbe.class, "/bpf/xmit.bpf.o");
        object.load();
        // Standard records; hook names from enum xmit_hook in the object's BTF. The engine also fills the
        // kernel filter map before anything is attached.
        context.consume(object, context.standardDecoder(object, "xmit", "xmit_hook"));
        object.attach("pt_example_xmit");
        context.reportAttached("xmit", choices.get(0), null);
    }
}
