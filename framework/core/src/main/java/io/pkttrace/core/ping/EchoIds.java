package io.pkttrace.core.ping;

import io.pkttrace.api.PacketEvent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The echo ids of one ping's packets: the id the ping uses, and those NAT gave its packets on the way.
 * Masquerade rewrites an echo's id as well as its source address when another flow from the router
 * already uses the id; the packet keeps its buffer, so an echo seen in a buffer that just carried one
 * of ours less than a second before (a packet waiting for neighbour resolution takes up to that), with
 * the same type and sequence but other addresses, is ours with a rewritten id, and so is its reply
 * with that id. A buffer is forgotten when it is freed (drop, consume); at most {@value #MAX_BUFFERS}
 * buffers and {@value #MAX_ALIASES} rewritten ids are kept.
 */
final class EchoIds {
    static final int MAX_BUFFERS = 1024;
    static final int MAX_ALIASES = 16;
    static final long WINDOW_NS = 1_000_000_000L;

    /** What an echo of ours looked like in a buffer. */
    private record Seen(long ts, int type, int seq, byte[] src, byte[] dst) {
    }

    private final Map<Long, Seen> buffers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Seen> eldest) {
            return size() > MAX_BUFFERS;
        }
    };
    private final Set<Integer> aliases = new HashSet<>();
    private int own = -1;

    void own(int id) {
        own = id;
    }

    int own() {
        return own;
    }

    /** True when {@code e} is one of this ping's echo packets; learns the buffers and rewritten ids of ours. */
    boolean claims(PacketEvent e) {
        long buffer = e.packetId();
        boolean ours = own >= 0 && (e.icmpId() == own || aliases.contains(e.icmpId()));
        if (!ours && buffer != 0) {
            Seen before = buffers.get(buffer);
            if (before != null && e.timestampNs() - before.ts() < WINDOW_NS
                    && before.type() == e.icmpType() && before.seq() == e.icmpSeq()
                    && !(Arrays.equals(before.src(), e.srcBytes()) && Arrays.equals(before.dst(), e.dstBytes()))
                    && aliases.size() < MAX_ALIASES) {
                aliases.add(e.icmpId());
                ours = true;
            }
        }
        if (buffer != 0) {
            if (ended(e)) {
                buffers.remove(buffer); // freed: whatever comes next in it is another packet
            } else if (ours) {
                buffers.put(buffer, new Seen(e.timestampNs(), e.icmpType(), e.icmpSeq(), e.srcBytes().clone(), e.dstBytes().clone()));
            }
        }
        return ours;
    }

    private static boolean ended(PacketEvent e) {
        return "drop".equals(e.hook()) || "consume".equals(e.hook());
    }
}
