package io.pkttrace.plugins.sinks.html;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.plugins.sinks.EventText;
import io.pkttrace.plugins.sinks.flow.PacketPath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a page shows, before any pixel: lanes (network namespaces, in order of first appearance),
 * stations (the places events were seen: interface and hook, or a traced function; columns within
 * their lane), and packets in drawing order, each reply right after its request.
 *
 * <p>Stations come only from what events carry (namespace, interface, hook), so a device trace, a
 * netfilter trace and a function-level trace (hook = function name) are laid out by the same rules.
 * Within a lane, stations of one interface are adjacent, in order of first appearance, so a request
 * crosses the columns in one direction and its reply in the other. A packet is drawn on one row as
 * long as it keeps moving in one direction; when it turns back or stays at a column (a function's
 * return, a drop at the interface it arrived on) its path continues on a new row below.
 */
final class PageModel {
    /** Whether a packet asked, answered, or neither. */
    enum Role { REQUEST, REPLY, OTHER }

    /** How a hop is marked. */
    enum Mark { PLAIN, DROP, VERDICT_ACCEPT, VERDICT_DROP, VERDICT_OTHER, RETURN }

    /** A network namespace; {@code netns} 0 when the events did not know it. */
    record Lane(int index, long netns, String name, List<Station> stations) {
        /** The heading: the /run/netns name, else the inode. */
        String title() {
            return name != null ? name : netns == 0 ? "namespace unknown" : "netns " + netns;
        }

        /** The line under the heading: the inode when a name is shown. */
        String subtitle() {
            return name != null ? Long.toString(netns) : netns == 0 ? "no namespace in the event" : "";
        }
    }

    /** A place where events were seen: a column. {@code ifname} null when the hook had no device. */
    record Station(int column, int lane, String ifname, String hook) {
    }

    /**
     * One event of a packet: where it is drawn (station, row within the packet) and what marks it.
     *
     * @param sincePreviousNs time since the packet's previous hop, -1 for its first
     * @param notes           lines under the point: drop reason, netfilter table.chain and verdict,
     *                        return value; empty when the event reports none
     */
    record Hop(PacketEvent event, Station station, int row, long sincePreviousNs, Mark mark, List<String> notes) {
        /** The notes on one line. */
        String note() {
            return String.join(" ", notes);
        }
    }

    /**
     * A packet in drawing order; {@code rows} is how many rows its path takes.
     *
     * @param title   "#1 request 198.18.1.2 → 198.18.2.2"
     * @param detail  what it carried and how long it took: "id 7 seq 1 · 4 hops in 41.9 µs"
     * @param outcome how it ended when that was seen, and what it answered: "dropped: NETFILTER_DROP",
     *                "consumed · reply to #1 after 62.0 µs"; "" when there is nothing to say
     */
    record Packet(PacketPath path, Role role, String title, String detail, String outcome, List<Hop> hops, int rows) {
        long number() {
            return path.number();
        }
    }

    /** Counts over all events and packets the sink received, drawn or not. */
    record Totals(long events, long packets, long drawn, long notDrawn, int maxPackets, long dropped, long paired, long evicted) {
    }

    private final List<Lane> lanes;
    private final List<Station> stations;
    private final List<Packet> packets;
    private final Totals totals;

    private PageModel(List<Lane> lanes, List<Station> stations, List<Packet> packets, Totals totals) {
        this.lanes = lanes;
        this.stations = stations;
        this.packets = packets;
        this.totals = totals;
    }

    List<Lane> lanes() {
        return lanes;
    }

    /** All stations, by column. */
    List<Station> stations() {
        return stations;
    }

    List<Packet> packets() {
        return packets;
    }

    Totals totals() {
        return totals;
    }

    /** Lays out the selected packets; {@code events}, {@code paired} and {@code evicted} come from the sink's grouper. */
    static PageModel of(PacketSelection selection, long events, long paired, long evicted) {
        List<PacketPath> ordered = drawingOrder(selection.drawn());
        Map<Long, LaneBuilder> laneBuilders = new LinkedHashMap<>();
        for (PacketPath p : ordered) {
            for (PacketEvent e : p.hops()) {
                laneBuilders.computeIfAbsent(e.netnsInode(), LaneBuilder::new).see(e);
            }
        }
        List<Lane> lanes = new ArrayList<>();
        List<Station> stations = new ArrayList<>();
        Map<StationKey, Station> byKey = new HashMap<>();
        for (LaneBuilder lb : laneBuilders.values()) {
            List<Station> own = new ArrayList<>();
            for (Map<String, StationKey> group : lb.groups.values()) {
                for (StationKey k : group.values()) {
                    Station s = new Station(stations.size(), lanes.size(), k.ifname(), k.hook());
                    stations.add(s);
                    own.add(s);
                    byKey.put(k, s);
                }
            }
            lanes.add(new Lane(lanes.size(), lb.netns, lb.name, List.copyOf(own)));
        }
        Set<Long> answered = new HashSet<>();
        ordered.forEach(p -> answered.add(p.replyTo()));
        List<Packet> packets = new ArrayList<>();
        for (PacketPath p : ordered) {
            packets.add(packet(p, byKey, answered.contains(p.number())));
        }
        Totals totals = new Totals(events, selection.seen(), ordered.size(), selection.notDrawn(), selection.maxPackets(),
                selection.dropped(), paired, evicted);
        return new PageModel(List.copyOf(lanes), List.copyOf(stations), List.copyOf(packets), totals);
    }

    /** By packet number, each reply to a drawn packet moved right after it (and after earlier replies to it). */
    static List<PacketPath> drawingOrder(List<PacketPath> drawn) {
        List<PacketPath> sorted = new ArrayList<>(drawn);
        sorted.sort(Comparator.comparingLong(PacketPath::number));
        Map<Long, List<PacketPath>> replies = new HashMap<>();
        Map<Long, PacketPath> byNumber = new HashMap<>();
        sorted.forEach(p -> byNumber.put(p.number(), p));
        for (PacketPath p : sorted) {
            if (p.replyTo() != 0 && byNumber.containsKey(p.replyTo())) {
                replies.computeIfAbsent(p.replyTo(), k -> new ArrayList<>()).add(p);
            }
        }
        List<PacketPath> out = new ArrayList<>(sorted.size());
        for (PacketPath p : sorted) {
            if (p.replyTo() != 0 && byNumber.containsKey(p.replyTo())) {
                continue; // placed with its request
            }
            out.add(p);
            out.addAll(replies.getOrDefault(p.number(), List.of()));
        }
        return out;
    }

    private static Packet packet(PacketPath p, Map<StationKey, Station> stations, boolean answeredInSelection) {
        List<Hop> hops = new ArrayList<>(p.hops().size());
        int row = 0;
        int direction = 0;
        PacketEvent previous = null;
        Station previousStation = null;
        for (PacketEvent e : p.hops()) {
            Station s = stations.get(StationKey.of(e));
            if (previousStation != null) {
                int step = Integer.signum(s.column() - previousStation.column());
                if (step == 0 || (direction != 0 && step != direction)) {
                    row++;
                    direction = 0;
                } else {
                    direction = step;
                }
            }
            long since = previous == null ? -1 : e.timestampNs() - previous.timestampNs();
            hops.add(new Hop(e, s, row, since, mark(e), notes(e)));
            previous = e;
            previousStation = s;
        }
        Role role = p.replyTo() != 0 ? Role.REPLY
                : p.answeredBy() != 0 || answeredInSelection || isEchoRequest(p) ? Role.REQUEST : Role.OTHER;
        return new Packet(p, role, title(p), detail(p), outcome(p), List.copyOf(hops), row + 1);
    }

    private static boolean isEchoRequest(PacketPath p) {
        return p.tupleEvent() != null && p.tupleEvent().isEchoRequest();
    }

    static Mark mark(PacketEvent e) {
        if (e.dropReason() >= 0 || "drop".equals(e.hook())) {
            return Mark.DROP;
        }
        if (e.nfVerdict() != null || e.nfTable() != null || e.nfChain() != null) {
            String v = e.nfVerdict() == null ? "" : e.nfVerdict().toUpperCase(Locale.ROOT);
            return v.equals("ACCEPT") ? Mark.VERDICT_ACCEPT
                    : v.equals("DROP") || v.equals("REJECT") ? Mark.VERDICT_DROP : Mark.VERDICT_OTHER;
        }
        return e.hasReturnValue() ? Mark.RETURN : Mark.PLAIN;
    }

    /** What the hook reported beyond its place: drop reason, netfilter table.chain and verdict, return value. */
    static List<String> notes(PacketEvent e) {
        List<String> lines = new ArrayList<>(2);
        if (e.dropReason() >= 0) {
            lines.add(e.dropReasonName() != null ? e.dropReasonName() : "reason " + e.dropReason());
        }
        if (e.nfVerdict() != null || e.nfTable() != null || e.nfChain() != null) {
            String where = join(".", e.nfTable(), e.nfChain());
            if (!where.isEmpty()) {
                lines.add(where);
            }
            if (e.nfVerdict() != null) {
                lines.add(e.nfVerdict());
            }
        }
        if (e.hasReturnValue()) {
            lines.add("ret " + e.returnValue());
        }
        return List.copyOf(lines);
    }

    private static String join(String sep, String a, String b) {
        return a == null ? Objects.requireNonNullElse(b, "") : b == null ? a : a + sep + b;
    }

    /** "#1 request 198.18.1.2 → 198.18.2.2", "#4 udp 198.18.1.2:5 → 198.18.2.2:53", "#9 non-IP packet". */
    static String title(PacketPath p) {
        PacketEvent t = p.tupleEvent();
        if (t == null) {
            return "#" + p.number() + " non-IP packet";
        }
        return "#" + p.number() + " " + EventText.type(t) + " " + EventText.addresses(t).replace(" -> ", " → ");
    }

    /** "id 7 seq 1 · 4 hops in 41.9 µs", "13 hops (5 not kept) in 6.0 µs". */
    static String detail(PacketPath p) {
        PacketEvent t = p.tupleEvent();
        String s = t != null && t.icmpId() >= 0 ? "id " + t.icmpId() + " seq " + t.icmpSeq() + " · " : "";
        s += p.hopCount() + (p.hopCount() == 1 ? " hop" : " hops");
        if (p.omittedHops() > 0) {
            s += " (" + p.omittedHops() + " not kept)";
        }
        return p.hops().size() > 1 ? s + " in " + duration(p.spanNs()) : s;
    }

    /**
     * "dropped: NETFILTER_DROP", "consumed · reply to #1 after 62.0 µs". An end that was not traced
     * (idle, in flight when the trace stopped, or its buffer reused unseen: the usual cases without
     * the consume hook) is left out here; the packet's tooltip says it.
     */
    static String outcome(PacketPath p) {
        List<String> parts = new ArrayList<>(2);
        switch (p.end()) {
            case DROPPED -> {
                String reason = p.endEvent() == null ? "" : String.join(" ", notes(p.endEvent()));
                parts.add(reason.isEmpty() ? "dropped" : "dropped: " + reason);
            }
            case IDLE, AT_EXIT, REUSED -> {
            }
            default -> parts.add(p.end().text());
        }
        if (p.replyTo() != 0) {
            long after = p.hops().isEmpty() ? 0 : p.hops().get(0).timestampNs() - p.replyToFirstTs();
            parts.add("reply to #" + p.replyTo() + " after " + duration(after));
        }
        return String.join(" · ", parts);
    }

    /** "14.2 µs", "4.17 ms", "1.20 s" (Locale.ROOT: always a decimal point). */
    static String duration(long ns) {
        if (ns < 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
        }
        if (ns < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
    }

    /** A station's identity: namespace, interface (null without a device) and hook. */
    private record StationKey(long netns, String ifname, String hook) {
        static StationKey of(PacketEvent e) {
            return new StationKey(e.netnsInode(), e.ifname(), e.hook() == null ? "-" : e.hook());
        }
    }

    /** Collects one lane's stations: interfaces in order of first appearance, each with its hooks. */
    private static final class LaneBuilder {
        final long netns;
        String name;
        final Map<String, Map<String, StationKey>> groups = new LinkedHashMap<>();

        LaneBuilder(long netns) {
            this.netns = netns;
        }

        void see(PacketEvent e) {
            if (name == null) {
                name = e.netnsName();
            }
            StationKey k = StationKey.of(e);
            // "\0" cannot be an interface name: it stands for "no device" without clashing with one.
            groups.computeIfAbsent(k.ifname() == null ? "\0" : k.ifname(), g -> new LinkedHashMap<>())
                    .putIfAbsent(k.hook(), k);
        }
    }
}
