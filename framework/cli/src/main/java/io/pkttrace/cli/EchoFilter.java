package io.pkttrace.cli;

import io.pkttrace.api.Filter;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.TupleRules;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** ICMP(v6) packets to or from the ping target; pushed down into the kernel. */
final class EchoFilter implements Filter {
    private final TupleRules rules;

    EchoFilter(InetAddress target) {
        boolean v4 = target instanceof Inet4Address;
        TupleRules.Prefix p = new TupleRules.Prefix(v4 ? PacketEvent.FAMILY_IPV4 : PacketEvent.FAMILY_IPV6,
                target.getAddress(), v4 ? 32 : 128);
        rules = new TupleRules(List.of(), List.of(), List.of(p),
                List.of(v4 ? PacketEvent.PROTO_ICMP : PacketEvent.PROTO_ICMPV6),
                List.of(), List.of(), List.of(), false);
    }

    @Override
    public boolean test(PacketEvent event) {
        return rules.matches(event);
    }

    @Override
    public Optional<TupleRules> kernelRules() {
        return Optional.of(rules);
    }
}
