package io.pkttrace.core.engine;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.core.testing.KernelTestSupport;
import java.io.IOException;
import java.util.List;

/** Loads the real netpath object with tx and rx only, as the netpath plugin does. */
class NetpathTestProbe implements Probe {
    private BpfObject obj;

    @Override
    public List<String> describe() {
        return List.of("tx", "rx");
    }

    @Override
    public void start(ProbeContext ctx) throws PkttraceException {
        try {
            obj = ctx.open("netpath-test", KernelTestSupport.bpfObject("netpath.bpf.o"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        obj.setAutoload("pt_kfree_skb", false);
        obj.setAutoload("pt_consume_skb", false);
        obj.load();
        ctx.consume(obj, ctx.standardDecoder("netpath", new String[] {null, "tx", "rx", "drop"}));
        obj.attach("pt_net_dev_queue");
        obj.attach("pt_netif_receive_skb");
    }

    @Override
    public void stop() {
        if (obj != null) {
            obj.detach();
        }
    }

    @Override
    public void close() {
        if (obj != null) {
            obj.close();
        }
    }
}
