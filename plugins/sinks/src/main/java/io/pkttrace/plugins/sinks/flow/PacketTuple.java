package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.api.PacketEvent;

/**
 * What the header line of a path shows of a packet: the header fields of its first hop with an IP
 * header (family, protocol, addresses, ports, ICMP type, code, id and sequence), kept instead of the
 * whole event. Mutable and reused with its packet; {@link #writeTo} puts the fields back into an event
 * for the printout's formatting, which reads nothing else.
 */
final class PacketTuple {
    private int family;
    private int protocol;
    private final byte[] src = new byte[16];
    private final byte[] dst = new byte[16];
    private int srcPort;
    private int dstPort;
    private int icmpType;
    private int icmpCode;
    private int icmpId;
    private int icmpSeq;

    void set(PacketEvent e) {
        family = e.family();
        protocol = e.protocol();
        System.arraycopy(e.srcBytes(), 0, src, 0, 16);
        System.arraycopy(e.dstBytes(), 0, dst, 0, 16);
        srcPort = e.srcPort();
        dstPort = e.dstPort();
        icmpType = e.icmpType();
        icmpCode = e.icmpCode();
        icmpId = e.icmpId();
        icmpSeq = e.icmpSeq();
    }

    /** {@code into}, cleared, with these header fields. */
    PacketEvent writeTo(PacketEvent into) {
        return into.clear().family(family).protocol(protocol).src(src).dst(dst).srcPort(srcPort).dstPort(dstPort)
                .icmpType(icmpType).icmpCode(icmpCode).icmpId(icmpId).icmpSeq(icmpSeq);
    }
}
