package io.pkttrace.api;

import java.util.Optional;

/**
 * A filter defined by five-tuple rules: it offers them to the engine for the kernel
 * ({@link #kernelRules()}), so probes that evaluate them in BPF drop non-matching packets before a
 * ring-buffer record is reserved, and decides identically in Java for the others.
 */
public final class TupleFilter implements Filter {
    private final TupleRules rules;

    public TupleFilter(TupleRules rules) {
        this.rules = rules;
    }

    public TupleRules rules() {
        return rules;
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
        return "TupleFilter" + rules;
    }
}
