package com.example.pkttrace.xmit;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.BpfObjectProbe;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import java.util.List;

/** Loads bpf/xmit.bpf.o (compiled from src/main/bpf/xmit.bpf.c by the probe SDK) and attaches it. */
final class XmitProbe extends BpfObjectProbe {
    @Override
    public List<String> describe() {
        return List.of("xmit: tp_btf/net_dev_xmit");
    }

    @Override
    public void start(ProbeContext context) throws PkttraceException {
        object = context.openResource("xmit", XmitProbe.class, "/bpf/xmit.bpf.o");
        object.load();
        // Standard records; hook names from enum xmit_hook in the object's BTF. The engine also fills the
        // kernel filter map before anything is attached.
        context.consume(object, context.standardDecoder(object, "xmit", "xmit_hook"));
        BpfObject.Attachment a = object.attach("pt_example_xmit");
        context.report("xmit: attached as " + a.mechanism() + "/" + a.target());
    }
}
