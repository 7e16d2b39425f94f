package io.pkttrace.plugins.netpath;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.BpfObjectProbe;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads netpath.bpf.o and attaches its BTF tracepoints: one record per device transmit
 * (net_dev_queue) and receive (netif_receive_skb), and per freed-with-reason packet (kfree_skb).
 */
final class NetpathProbe extends BpfObjectProbe {
    /** Compiled from src/main/bpf/netpath.bpf.c by the probe SDK. */
    static final String OBJECT = "/bpf/netpath.bpf.o";
    /** netpath.bpf.c's enum of hook ids, which names the records' hooks. */
    static final String HOOK_ENUM = "netpath_hook";

    private final NetpathConfig config;

    NetpathProbe(NetpathConfig config) {
        this.config = config;
    }

    @Override
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (NetpathConfig.Hook h : config.hooks()) {
            out.add(h.label() + ": tp_btf/" + h.tracepoint);
        }
        return out;
    }

    @Override
    public void start(ProbeContext context) throws PkttraceException {
        object = context.openResource("netpath", NetpathProbe.class, OBJECT);
        for (NetpathConfig.Hook h : NetpathConfig.Hook.values()) {
            object.setAutoload(h.program, config.hooks().contains(h));
        }
        object.load();
        context.consume(object, context.standardDecoder(object, "netpath", HOOK_ENUM));
        for (NetpathConfig.Hook h : NetpathConfig.Hook.values()) {
            if (config.hooks().contains(h)) {
                BpfObject.Attachment a = object.attach(h.program);
                context.report("netpath: " + h.label() + " attached as " + a.mechanism() + "/" + a.target()
                        + " (BTF tracepoint: typed, stable, no kprobe needed)");
            }
        }
    }
}
