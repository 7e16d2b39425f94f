package io.pkttrace.plugins.sinks.flow;

/** How a packet's headers changed at a hop, as the path printout names it. */
enum TupleChange {
    /** Same tuple as before (or no IP header to compare). */
    NONE(""),
    /** Addresses, ports or echo id rewritten by NAT, between a receive and a transmit in one namespace. */
    NAT("NAT"),
    /** New outer headers: a tunnel device handed the packet to its underlay (VXLAN, GRE, IPIP, ...). */
    ENCAP("encapsulated"),
    /** Outer headers removed: the underlay's receive handed the inner packet to the tunnel device. */
    DECAP("decapsulated");

    private final String text;

    TupleChange(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }
}
