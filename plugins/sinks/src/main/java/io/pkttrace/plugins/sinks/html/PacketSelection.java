package io.pkttrace.plugins.sinks.html;

import io.pkttrace.plugins.sinks.flow.PacketEnd;
import io.pkttrace.plugins.sinks.flow.PacketPath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The packets a page draws, bounded: the first max-packets finished packets, plus the first reply of
 * each drawn request when it comes after the cap was reached (so that a request is not drawn without
 * its answer), never more than twice max-packets. Every packet is counted, drawn or not.
 */
final class PacketSelection {
    private final int maxPackets;
    private final List<PacketPath> drawn = new ArrayList<>();
    private final Set<Long> drawnNumbers = new HashSet<>();
    private final Set<Long> answered = new HashSet<>();
    private long seen;
    private long dropped;
    private long notDrawn;

    PacketSelection(int maxPackets) {
        this.maxPackets = maxPackets;
    }

    /** Counts {@code p} and keeps it if there is room. */
    void offer(PacketPath p) {
        seen++;
        if (p.end() == PacketEnd.DROPPED) {
            dropped++;
        }
        boolean replyToDrawn = p.replyTo() != 0 && drawnNumbers.contains(p.replyTo());
        boolean room = drawn.size() < maxPackets
                || (replyToDrawn && !answered.contains(p.replyTo()) && drawn.size() < 2L * maxPackets);
        if (!room) {
            notDrawn++;
            return;
        }
        drawn.add(p);
        drawnNumbers.add(p.number());
        if (replyToDrawn) {
            answered.add(p.replyTo());
        }
    }

    /** The kept packets, in the order they finished. */
    List<PacketPath> drawn() {
        return drawn;
    }

    long seen() {
        return seen;
    }

    long dropped() {
        return dropped;
    }

    /** Packets counted but not drawn because of the cap. */
    long notDrawn() {
        return notDrawn;
    }

    int maxPackets() {
        return maxPackets;
    }
}
