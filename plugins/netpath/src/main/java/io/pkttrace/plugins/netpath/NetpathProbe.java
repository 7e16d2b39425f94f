package io.pkttrace.plugins.netpath;

import io.pkttrace.api.BpfObjectProbe;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.netns.Namespaces;
import io.pkttrace.plugins.netpath.stacked.StackedRxTaps;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads netpath.bpf.o and attaches its BTF tracepoints: one record per device transmit
 * (net_dev_queue) and receive (netif_receive_skb), and per freed-with-reason packet (kfree_skb).
 * Receive on stacked devices, which the tracepoint misses, comes from packet taps
 * ({@link StackedRxTaps}) running the object's socket filter.
 */
final class NetpathProbe extends BpfObjectProbe {
    /** Compiled from src/main/bpf/netpath.bpf.c by the probe SDK. */
    static final String OBJECT = "/bpf/netpath.bpf.o";
    /** netpath.bpf.c's enum of hook ids, which names the records' hooks. */
    static final String HOOK_ENUM = "netpath_hook";
    /** The socket filter of the stacked-device packet taps; part of the rx hook. */
    static final String STACKED_RX_PROGRAM = "pt_stacked_rx";

    private final NetpathConfig config;
    private StackedRxTaps taps;

    NetpathProbe(NetpathConfig config) {
        this.config = config;
    }

    @Override
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (NetpathConfig.Hook h : config.hooks()) {
            out.add(h.label() + ": tp_btf/" + h.tracepoint);
        }
        if (config.hooks().contains(NetpathConfig.Hook.RX)) {
            out.add("rx on stacked devices: socket filter " + STACKED_RX_PROGRAM + " on AF_PACKET taps");
        }
        return out;
    }

    @Override
    public void start(ProbeContext context) throws PkttraceException {
        List<MechanismChoice> choices = NetpathMechanisms.choose(config, context.kernel());
        MechanismChoice.requireRunnable("netpath", choices);
        object = context.openResource("netpath", NetpathProbe.class, OBJECT);
        for (NetpathConfig.Hook h : NetpathConfig.Hook.values()) {
            object.setAutoload(h.program, config.hooks().contains(h));
        }
        MechanismChoice stacked = choices.stream().filter(c -> c.hook().equals(NetpathMechanisms.STACKED_RX)).findFirst()
                .orElse(null);
        boolean taps = stacked != null && stacked.available();
        object.setAutoload(STACKED_RX_PROGRAM, taps);
        if (stacked != null && !taps) {
            context.report("netpath: " + stacked.hook() + " (macvlan, ipvlan, VLAN, bond, team) not traced: "
                    + String.join("; ", stacked.notUsed()));
        }
        if (taps) {
            beginTaps(context);
        }
        object.load();
        context.consume(object, context.standardDecoder(object, "netpath", HOOK_ENUM));
        for (NetpathConfig.Hook h : NetpathConfig.Hook.values()) {
            if (config.hooks().contains(h)) {
                object.attach(h.program);
                context.reportAttached("netpath", MechanismChoice.of(choices, h.label()), null);
            }
        }
        if (taps) {
            attachTaps(context, stacked);
        }
    }

    /** Starts looking for stacked devices while the object loads. */
    private void beginTaps(ProbeContext context) {
        taps = new StackedRxTaps(new Namespaces(), context::report);
        taps.begin();
    }

    /**
     * Taps the stacked devices of every namespace. Without them only stacked-device receive is missing,
     * so a failure is reported and tracing goes on.
     */
    private void attachTaps(ProbeContext context, MechanismChoice choice) throws PkttraceException {
        try {
            taps.attach(object.programFd(STACKED_RX_PROGRAM));
        } catch (PkttraceException e) {
            context.report("netpath: rx on stacked devices (macvlan, ipvlan, VLAN, bond, team) not traced: " + e.userLine());
            taps.close();
            taps = null;
            return;
        }
        List<String> now = taps.tapped();
        context.reportAttached("netpath", choice, "on " + (now.isEmpty() ? "none yet" : String.join(", ", now)));
    }

    @Override
    public void stop() {
        if (taps != null) {
            taps.close();
        }
        super.stop();
    }

    @Override
    public void close() {
        if (taps != null) {
            taps.close();
            taps = null;
        }
        super.close();
    }
}
