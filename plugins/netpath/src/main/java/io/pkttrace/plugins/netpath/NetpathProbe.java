package io.pkttrace.plugins.netpath;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.BpfObjectProbe;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.netns.Namespaces;
import io.pkttrace.plugins.netpath.stacked.StackedRxTaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads netpath.bpf.o and attaches its BTF tracepoints (or, where the kernel lacks them, the same
 * tracepoints raw; see {@link NetpathMechanisms}): one record per device transmit
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
    /**
     * Compiled from src/main/bpf/netpath_stacked.bpf.c: the taps' socket filter, apart because the kfunc
     * it calls makes libbpf demand the kernel's own BTF for a whole object, which OBJECT must do without.
     */
    static final String STACKED_OBJECT = "/bpf/netpath_stacked.bpf.o";
    /**
     * The maps of OBJECT (all but its read-only data) that the stacked object and the copies that hold
     * the programs ({@link SplitLoad}) use as their own: netpath.h's and the SDK's output.h and filter.h.
     */
    static final List<String> SHARED_MAPS = List.of("pt_events", "pt_counters", "pt_filter", "pt_last_rx");

    private final NetpathConfig config;
    private StackedRxTaps taps;
    private BpfObject stackedObject;

    NetpathProbe(NetpathConfig config) {
        this.config = config;
    }

    @Override
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        String as = config.mechanism() == NetpathConfig.Mechanism.RAW_TP ? "raw_tp/" : "tp_btf/"; // auto: raw_tp only without tp_btf
        for (NetpathConfig.Hook h : config.hooks()) {
            out.add(h.label() + ": " + as + h.tracepoint);
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
        // Only the chosen variant of each hook loads: a kernel that refuses the other type never sees it.
        NetpathConfig.Mechanism m = NetpathMechanisms.deviceHooks(config, context.kernel());
        byte[] elf = context.readResource("netpath", NetpathProbe.class, OBJECT);
        object = context.open("netpath", elf);
        List<String> every = new ArrayList<>();
        List<String> chosen = new ArrayList<>();
        for (NetpathConfig.Hook h : NetpathConfig.Hook.values()) {
            every.add(h.program);
            every.add(h.rawProgram);
            if (config.hooks().contains(h)) {
                chosen.add(h.program(m));
            }
        }
        MechanismChoice stacked = choices.stream().filter(c -> c.hook().equals(NetpathMechanisms.STACKED_RX)).findFirst()
                .orElse(null);
        boolean taps = stacked != null && stacked.available();
        if (stacked != null && !taps) {
            context.report("netpath: " + stacked.hook() + " (macvlan, ipvlan, VLAN, bond, team) not traced: "
                    + String.join("; ", stacked.notUsed()));
        }
        if (taps) {
            beginTaps(context);
        }
        Map<String, BpfObject> holders = SplitLoad.load(context, object, elf, every, chosen, SHARED_MAPS);
        context.consume(object, context.standardDecoder(object, "netpath", HOOK_ENUM));
        for (NetpathConfig.Hook h : NetpathConfig.Hook.values()) {
            if (config.hooks().contains(h)) {
                holders.get(h.program(m)).attach(h.program(m));
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
            stackedObject = context.openResource("netpath-stacked", NetpathProbe.class, STACKED_OBJECT);
            // Its records go to OBJECT's ring, decoded as OBJECT's: the engine's check of the record and hook ids.
            context.standardDecoder(stackedObject, "netpath", HOOK_ENUM);
            taps.attach(this::loadStacked);
        } catch (PkttraceException e) {
            context.report(StackedRxTaps.NOT_TRACED + e.userLine());
            taps.close();
            taps = null;
            return;
        }
        List<String> now = taps.tapped();
        context.reportAttached("netpath", choice, "on " + (now.isEmpty() ? "none yet" : String.join(", ", now)));
    }

    /**
     * The taps' socket filter, loaded on the taps' thread when they first find a stacked device: libbpf
     * parses the kernel's whole BTF again for its kfunc, which a host without stacked devices need not wait for.
     */
    private int loadStacked() throws PkttraceException {
        for (String map : SHARED_MAPS) {
            stackedObject.shareMap(map, object);
        }
        stackedObject.load();
        return stackedObject.programFd(STACKED_RX_PROGRAM);
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
        if (stackedObject != null) {
            stackedObject.close();
            stackedObject = null;
        }
        super.close();
    }
}
