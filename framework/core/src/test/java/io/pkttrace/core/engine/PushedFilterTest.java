package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pkttrace.api.Filter;
import io.pkttrace.api.TupleFilter;
import io.pkttrace.api.TupleRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which filter's rules go into the kernel, and so which filter kernel-decided events skip. */
class PushedFilterTest {
    private static final Filter PLAIN = e -> true;

    @Test
    void onlyTheOneFilterOfferingRulesIsPushed() {
        TupleFilter rules = new TupleFilter(TupleRules.matchAll());
        assertSame(rules, Engine.pushedFilter(List.of(PLAIN, rules)));
        assertNull(Engine.pushedFilter(List.of(PLAIN)));
        assertNull(Engine.pushedFilter(List.of(rules, new TupleFilter(TupleRules.matchAll()))), "an AND of two is not pushed");
        assertSame(rules.rules(), Engine.kernelRules(List.of(PLAIN, rules)), "the pushed filter's rules are the kernel's");
    }
}
