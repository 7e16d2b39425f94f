package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pkt_tracer's {@code -o}, done live and per packet rather than per thread: each packet's calls as
 * a nested tree, printed as soon as its outermost traced call returns. A copy handed on inside the
 * packet's calls (vr_trap's trapped copy, a clone) is shown where it was made, with its own number,
 * "copy of #N"; a copy that outlives its original gets a tree of its own that names the original.
 * Memory is bounded: at most max-packets trees are open (the least recently active is printed as
 * incomplete and counted), at most max-calls calls per tree.
 */
final class CallTreeSink implements Sink {
    private final CallsConfig config;
    private final PrintWriter out;
    private final PacketNumbers numbers;
    /** Open trees by their root packet id, least recently active first. */
    private final LinkedHashMap<Long, PacketCalls> trees = new LinkedHashMap<>(16, 0.75f, true);
    /** The open tree each packet id belongs to (root packets and copies made inside them). */
    private final Map<Long, Long> treeOf = new HashMap<>();
    private long evicted;
    private long printed;
    private long withoutPacket;

    CallTreeSink(CallsConfig config, PrintWriter out) {
        this.config = config;
        this.out = out;
        this.numbers = new PacketNumbers(Math.max(config.maxPackets() * 2, 1024));
    }

    @Override
    public void accept(PacketEvent e) {
        if (e.call() == PacketEvent.CALL_NONE) {
            return;
        }
        long id = e.packetId();
        if (id == 0) {
            withoutPacket++; // a call outside any traced packet's calls: it belongs to no tree
            return;
        }
        long n = numbers.of(id);
        boolean isNew = numbers.wasNew();
        Long rootId = treeOf.get(id);
        if (rootId == null || !trees.containsKey(rootId)) {
            Long parentRoot = e.parentPacketId() == 0 ? null : treeOf.get(e.parentPacketId());
            if (isNew && parentRoot != null && trees.containsKey(parentRoot)) {
                rootId = parentRoot; // a copy made inside an open call of its original: shown in place
            } else {
                if (trees.size() >= config.maxPackets()) {
                    evictOldest();
                }
                trees.put(id, new PacketCalls(n, e.parentPacketId() == 0 ? 0 : numbers.peek(e.parentPacketId())));
                rootId = id;
            }
            treeOf.put(id, rootId);
            trees.get(rootId).member(id);
        }
        PacketCalls tree = trees.get(rootId); // also marks it as recently active
        tree.add(e, n, rootId == id ? tree.parentNumber() : numbers.peek(e.parentPacketId()), config.maxCalls());
        if (rootId == id && tree.track(e)) {
            trees.remove(rootId);
            print(tree, null);
        }
    }

    private void evictOldest() {
        Iterator<Map.Entry<Long, PacketCalls>> it = trees.entrySet().iterator();
        Map.Entry<Long, PacketCalls> oldest = it.next();
        it.remove();
        evicted++;
        print(oldest.getValue(), "INCOMPLETE: evicted by max-packets, its other calls are not shown");
    }

    private void print(PacketCalls t, String incomplete) {
        for (long member : t.members()) {
            treeOf.remove(member);
        }
        printed++;
        StringBuilder sb = new StringBuilder(1024);
        PacketEvent first = t.first();
        sb.append('#').append(t.number());
        if (t.parentNumber() != 0) {
            sb.append(" copy of #").append(t.parentNumber());
        }
        String tuple = CallText.tuple(first);
        sb.append(' ').append(tuple.isEmpty() ? "packet" : tuple).append(", thread ").append(CallLineSink.tid(first))
                .append(": ").append(t.calls().size() + t.omitted()).append(" events in ").append(CallText.micros(t.durationNs()));
        if (incomplete != null) {
            sb.append(", ").append(incomplete);
        } else if (t.hadMissedReturn()) {
            sb.append(", some returns not seen");
        }
        out.println(sb);
        Map<Long, String> lastView = new HashMap<>();
        for (PacketCalls.Call c : t.calls()) {
            PacketEvent e = c.event();
            StringBuilder line = new StringBuilder(160).append("  ")
                    .append("  ".repeat(Math.max(0, Math.min(e.callDepth() - t.rootDepth(), 40))));
            if (e.call() == PacketEvent.CALL_ENTRY && c.number() != t.number() && !lastView.containsKey(e.packetId())) {
                line.append('#').append(c.number()).append(" copy of #").append(c.parentNumber()).append(": ");
            }
            CallText.call(line, e, config.returns(), lastView);
            out.println(line.toString().stripTrailing());
        }
        if (t.omitted() > 0) {
            out.println("  ... " + t.omitted() + " more calls not kept (max-calls)");
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void finish(RunStats stats) {
        List<PacketCalls> rest = new ArrayList<>(trees.values());
        trees.clear();
        rest.sort((a, b) -> Long.compare(a.number(), b.number()));
        for (PacketCalls t : rest) {
            print(t, "in flight at exit (its outermost call had not returned)");
        }
        out.println("calls: " + printed + " packet tree" + (printed == 1 ? "" : "s") + ", " + evicted + " evicted"
                + (withoutPacket > 0 ? ", " + withoutPacket + " events outside any packet's calls not shown" : ""));
        if (evicted > 0) {
            out.println("calls: WARNING: " + evicted + " packet trees were evicted before they ended (max-packets="
                    + config.maxPackets() + "): they are incomplete; raise max-packets");
        }
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
