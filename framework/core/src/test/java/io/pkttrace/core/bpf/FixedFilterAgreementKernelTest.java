package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pkttrace.api.TupleRules;
import io.pkttrace.core.bpf.FilterAgreementKernelTest.Gen;
import io.pkttrace.core.bpf.FilterAgreementKernelTest.Packet;
import io.pkttrace.core.testing.KernelTestSupport;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The filter as the engine runs it: set before load into filter.h's read-only {@code pt_filter_fixed}
 * ({@link KernelFilterEncoder#encodeFixed}, as ProbeRuntime does), where the verifier reads every field as a
 * constant and drops the code of the keys the rules do not use. It must decide exactly like
 * {@link TupleRules#matches}, as the map-fed filter does in {@link FilterAgreementKernelTest} (same generator):
 * one object per rule set, its {@code pt_filter} map left empty (disabled: it would keep every packet), so
 * a program that consulted the map instead would keep the packets the rules drop.
 */
@Tag("kernel")
class FixedFilterAgreementKernelTest {
    private static final int XDP_DROP = 1;
    private static final int XDP_PASS = 2;
    private static final int RULE_SETS = 25;
    private static final int PACKETS_PER_RULE_SET = 80;

    private static byte[] elf;

    @BeforeAll
    static void requireBpf() throws Exception {
        KernelTestSupport.requireBpf();
        elf = KernelTestSupport.bpfObject("filter_agree.bpf.o");
    }

    @Test
    void fixedFilterDecidesLikeJava() throws Exception {
        Gen gen = new Gen(new Random(0xF1_7ED));
        int cases = 0;
        int matched = 0;
        for (int r = 0; r < RULE_SETS; r++) {
            TupleRules rules = gen.rules();
            try (LibbpfObject object = LibbpfObject.open(NativeBpf.get(), "filter-fixed", elf)) {
                byte[] fixed = KernelFilterEncoder.of(object.btf()).encodeFixed(object.btf(), rules);
                assertTrue(object.setReadOnlyBytes(".rodata.pkttrace_filter", "pt_filter_fixed", fixed));
                object.load();
                for (int i = 0; i < PACKETS_PER_RULE_SET; i++) {
                    Packet p = gen.packet(rules);
                    int rc = object.testRun("pt_test_filter_agree", p.frame());
                    if (rc != XDP_PASS && rc != XDP_DROP) {
                        fail("the test program could not parse " + p.text() + " (XDP return " + rc + "): "
                                + HexFormat.of().formatHex(p.frame()));
                    }
                    boolean inJava = rules.matches(p.event());
                    if ((rc == XDP_PASS) != inJava) {
                        fail("rule set " + r + " packet " + i + ": kernel " + (rc == XDP_PASS ? "keeps" : "drops") + ", java "
                                + (inJava ? "keeps" : "drops") + "\n  rules " + rules + "\n  packet " + p.text());
                    }
                    cases++;
                    matched += inJava ? 1 : 0;
                }
            }
        }
        assertEquals(RULE_SETS * PACKETS_PER_RULE_SET, cases);
        // Not vacuous: the rules drop packets (which the empty map alone would keep) and keep others.
        assertTrue(matched > cases / 5 && cases - matched > cases / 5, "matched " + matched + " of " + cases);
    }
}
