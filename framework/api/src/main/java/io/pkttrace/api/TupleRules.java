package io.pkttrace.api;

import java.util.List;

/**
 * Five-tuple filter rules that can run in the kernel (BPF) and in Java with identical results.
 * Each list is one key; an empty list matches everything; a non-empty list matches if any of its
 * alternatives matches (same key repeated = OR); all keys must match (different keys = AND).
 * {@code either} and {@code eitherPorts} match the source or the destination. With
 * {@code bothDirections} a packet also matches when its reversed tuple does (replies of a flow).
 */
public record TupleRules(List<Prefix> src, List<Prefix> dst, List<Prefix> either, List<Integer> protocols,
                         List<PortRange> srcPorts, List<PortRange> dstPorts, List<PortRange> eitherPorts,
                         boolean bothDirections) {

    /** Alternatives per key that the kernel map holds (PT_MAX_ALT of the probe SDK's filter.h; KernelFilterEncoder refuses an object that holds another number). */
    public static final int MAX_ALTERNATIVES = 8;

    public TupleRules {
        src = List.copyOf(src); dst = List.copyOf(dst); either = List.copyOf(either);
        protocols = List.copyOf(protocols); srcPorts = List.copyOf(srcPorts); dstPorts = List.copyOf(dstPorts);
        eitherPorts = List.copyOf(eitherPorts);
        for (List<?> l : List.of(src, dst, either, protocols, srcPorts, dstPorts, eitherPorts)) {
            if (l.size() > MAX_ALTERNATIVES) {
                throw new IllegalArgumentException("at most " + MAX_ALTERNATIVES + " values per filter key");
            }
        }
    }

    /** Rules that match every packet. */
    public static TupleRules matchAll() {
        return new TupleRules(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), false);
    }

    /** True when no key restricts anything. */
    public boolean isEmpty() {
        return src.isEmpty() && dst.isEmpty() && either.isEmpty() && protocols.isEmpty() && srcPorts.isEmpty()
                && dstPorts.isEmpty() && eitherPorts.isEmpty();
    }

    /** The reference semantics; the BPF implementation must decide identically. */
    public boolean matches(PacketEvent e) {
        if (isEmpty()) {
            return true;
        }
        if (matchesOneWay(e, false)) {
            return true;
        }
        return bothDirections && matchesOneWay(e, true);
    }

    private boolean matchesOneWay(PacketEvent e, boolean reversed) {
        int family = e.family();
        byte[] s = reversed ? e.dstBytes() : e.srcBytes();
        byte[] d = reversed ? e.srcBytes() : e.dstBytes();
        int sp = reversed ? e.dstPort() : e.srcPort();
        int dp = reversed ? e.srcPort() : e.dstPort();
        if (!protocols.isEmpty() && !anyProtocol(protocols, e.protocol())) {
            return false;
        }
        if (!src.isEmpty() && !anyPrefix(src, family, s)) {
            return false;
        }
        if (!dst.isEmpty() && !anyPrefix(dst, family, d)) {
            return false;
        }
        if (!either.isEmpty() && !anyPrefix(either, family, s) && !anyPrefix(either, family, d)) {
            return false;
        }
        boolean hasPorts = e.protocol() == PacketEvent.PROTO_TCP || e.protocol() == PacketEvent.PROTO_UDP;
        if (!srcPorts.isEmpty() && !(hasPorts && anyPort(srcPorts, sp))) {
            return false;
        }
        if (!dstPorts.isEmpty() && !(hasPorts && anyPort(dstPorts, dp))) {
            return false;
        }
        return eitherPorts.isEmpty() || (hasPorts && (anyPort(eitherPorts, sp) || anyPort(eitherPorts, dp)));
    }

    // Indexed loops and no boxing: this runs for every event on the consumer thread.
    private static boolean anyProtocol(List<Integer> protocols, int protocol) {
        for (int i = 0, n = protocols.size(); i < n; i++) {
            if (protocols.get(i) == protocol) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyPrefix(List<Prefix> prefixes, int family, byte[] addr) {
        for (int i = 0, n = prefixes.size(); i < n; i++) {
            if (prefixes.get(i).matches(family, addr)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyPort(List<PortRange> ranges, int port) {
        for (int i = 0, n = ranges.size(); i < n; i++) {
            PortRange r = ranges.get(i);
            if (port >= r.low() && port <= r.high()) {
                return true;
            }
        }
        return false;
    }

    /**
     * An address prefix.
     *
     * @param family {@link PacketEvent#FAMILY_IPV4} or {@link PacketEvent#FAMILY_IPV6}
     * @param address 4 or 16 bytes
     * @param length prefix length in bits
     */
    public record Prefix(int family, byte[] address, int length) {
        public Prefix {
            int bytes = family == PacketEvent.FAMILY_IPV4 ? 4 : 16;
            if (family != PacketEvent.FAMILY_IPV4 && family != PacketEvent.FAMILY_IPV6) {
                throw new IllegalArgumentException("family must be 4 or 6");
            }
            if (address.length != bytes || length < 0 || length > bytes * 8) {
                throw new IllegalArgumentException("bad prefix");
            }
            address = address.clone();
        }

        public boolean matches(int eventFamily, byte[] addr) {
            if (eventFamily != family) {
                return false;
            }
            int full = length / 8;
            for (int i = 0; i < full; i++) {
                if (addr[i] != address[i]) {
                    return false;
                }
            }
            int rest = length % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (addr[full] & mask) == (address[full] & mask);
        }
    }

    /** An inclusive range of ports in host order. */
    public record PortRange(int low, int high) {
        public PortRange {
            if (low < 0 || high > 65535 || low > high) {
                throw new IllegalArgumentException("bad port range " + low + "-" + high);
            }
        }
    }
}
