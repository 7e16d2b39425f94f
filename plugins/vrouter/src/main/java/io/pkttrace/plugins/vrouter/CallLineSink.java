package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * pkt_tracer's live output, per call as it happens: time, thread, packet number, then
 * {@code fn {} indented by depth with the packet as the function saw it (shown when it changed),
 * and {@code }} with the duration (and return value with returns=true).
 */
final class CallLineSink implements Sink {
    private static final String HEADER = String.format("%-12s %-8s %-7s %s", "TIME(s)", "TID", "PACKET", "CALL");

    private final CallsConfig config;
    private final PrintWriter out;
    private final PacketNumbers numbers;
    private final Map<Long, String> lastView;
    private long firstNs = -1;
    private boolean header;

    CallLineSink(CallsConfig config, PrintWriter out) {
        this.config = config;
        this.out = out;
        this.numbers = new PacketNumbers(config.maxPackets());
        this.lastView = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
                return size() > config.maxPackets();
            }
        };
    }

    @Override
    public void accept(PacketEvent e) {
        if (e.call() == PacketEvent.CALL_NONE) {
            return;
        }
        if (!header) {
            out.println(HEADER);
            header = true;
        }
        if (firstNs < 0) {
            firstNs = e.timestampNs();
        }
        long n = numbers.of(e.packetId());
        StringBuilder sb = new StringBuilder(160);
        sb.append(String.format(Locale.ROOT, "%-12.6f %-8s %-7s ", (e.timestampNs() - firstNs) / 1e9, tid(e),
                n == 0 ? "-" : "#" + n));
        sb.append("  ".repeat(Math.min(e.callDepth(), 40)));
        boolean copy = e.call() == PacketEvent.CALL_ENTRY && n != 0 && e.parentPacketId() != 0 && numbers.wasNew();
        CallText.call(sb, e, config.returns(), lastView);
        if (copy) {
            long parent = numbers.peek(e.parentPacketId());
            int in = e.attrIndex("copied_in");
            sb.insert(sb.indexOf(" {") + 2, "  #" + n + " copy of " + (parent == 0 ? "an earlier packet" : "#" + parent)
                    + (in >= 0 ? " (in " + e.formatAttr(in) + ")" : ""));
        }
        out.println(sb.toString().stripTrailing());
    }

    static String tid(PacketEvent e) {
        int t = e.attrIndex("tid");
        return t < 0 ? Integer.toString(e.pid()) : e.formatAttr(t);
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void finish(RunStats stats) {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
