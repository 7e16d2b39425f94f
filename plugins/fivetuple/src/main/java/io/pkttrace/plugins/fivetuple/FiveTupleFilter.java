package io.pkttrace.plugins.fivetuple;

import io.pkttrace.api.Filter;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.TupleRules;
import java.util.Optional;

/**
 * Keeps the events whose five-tuple matches the rules. The engine pushes the same rules into the
 * kernel ({@link #kernelRules()}), so probes that evaluate them in BPF drop non-matching packets
 * before a ring-buffer record is reserved; {@link #test(PacketEvent)} decides identically for the rest.
 */
final class FiveTupleFilter implements Filter {
    private final TupleRules rules;

    FiveTupleFilter(TupleRules rules) {
        this.rules = rules;
    }

    @Override
    public boolean test(PacketEvent event) {
        return rules.matches(event);
    }

    @Override
    public Optional<TupleRules> kernelRules() {
        return Optional.of(rules);
    }

    @Override
    public String toString() {
        return "fivetuple" + rules;
    }
}
