package io.pkttrace.core.engine;

import io.pkttrace.api.BpfObjectProbe;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.core.testing.KernelTestSupport;
import java.io.IOException;
import java.util.List;

/**
 * Traces device transmit and receive as the netpath plugin does, with core's test object skb_hooks.bpf.o
 * (src/test/bpf: the SDK's pt_emit_skb at the same two tracepoints), so that the engine's tests need no
 * plugin.
 */
final class NetpathTestProbe extends BpfObjectProbe {
    @Override
    public List<String> describe() {
        return List.of("tx", "rx");
    }

    @Override
    public void start(ProbeContext ctx) throws PkttraceException {
        try {
            object = ctx.open("netpath-test", KernelTestSupport.bpfObject("skb_hooks.bpf.o"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        object.load();
        ctx.consume(object, ctx.standardDecoder(object, "netpath", "skb_hooks_hook"));
        object.attach("pt_test_tx");
        object.attach("pt_test_rx");
    }
}
