package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.PacketEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls of one packet tree being built by the calls sink: the root packet's calls, and the
 * calls of packets copied from it while its calls were open (a trapped copy, a clone), which nest
 * inside them and are kept in the same tree, marked with their own number.
 */
final class PacketCalls {
    /** One line of the tree: an entry or a return of some packet of the tree. */
    record Call(PacketEvent event, long number, long parentNumber) {
    }

    private final long number;
    private final long parentNumber;
    private final List<Call> calls = new ArrayList<>();
    private final List<Long> members = new ArrayList<>(2);
    private int omitted;
    private int open;
    private int rootDepth = Integer.MAX_VALUE;
    private long firstNs = Long.MAX_VALUE;
    private long lastNs = Long.MIN_VALUE;
    private PacketEvent first;
    private boolean missed;

    PacketCalls(long number, long parentNumber) {
        this.number = number;
        this.parentNumber = parentNumber;
    }

    /** Records that a packet id's calls belong to this tree (the root, or a copy of it). */
    void member(long packetId) {
        members.add(packetId);
    }

    List<Long> members() {
        return members;
    }

    /** Adds a call of this tree's root packet or of a copy of it (number != this tree's number). */
    void add(PacketEvent e, long packetNumber, long packetParentNumber, int maxCalls) {
        if (calls.size() < maxCalls) {
            calls.add(new Call(e.copy(), packetNumber, packetParentNumber));
        } else {
            omitted++;
        }
        if (first == null) {
            first = e.copy();
        }
        firstNs = Math.min(firstNs, e.timestampNs());
        lastNs = Math.max(lastNs, e.timestampNs());
        rootDepth = Math.min(rootDepth, e.callDepth());
        if (e.call() == PacketEvent.CALL_RETURN_MISSED) {
            missed = true;
        }
    }

    /** Counts an entry (+1) or a return (-1) of the root packet; true when its outermost call returned. */
    boolean track(PacketEvent e) {
        open += e.call() == PacketEvent.CALL_ENTRY ? 1 : -1;
        return open <= 0;
    }

    long number() {
        return number;
    }

    long parentNumber() {
        return parentNumber;
    }

    List<Call> calls() {
        return calls;
    }

    int omitted() {
        return omitted;
    }

    int rootDepth() {
        return rootDepth;
    }

    long durationNs() {
        return lastNs - firstNs;
    }

    /** The first event of the tree (its packet as first seen). */
    PacketEvent first() {
        return first;
    }

    boolean hadMissedReturn() {
        return missed;
    }
}
