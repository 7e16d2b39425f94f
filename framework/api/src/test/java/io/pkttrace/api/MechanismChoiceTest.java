package io.pkttrace.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MechanismChoiceTest {
    private static KernelSupport kernel(Set<KernelFeature> present) {
        return KernelSupport.assuming(present, "absent for a test");
    }

    @Test
    void tpBtfUsesTheTracepointOrSaysWhyNot() {
        MechanismChoice yes = MechanismChoice.tpBtf("tx", "net_dev_queue", "why", kernel(EnumSet.of(KernelFeature.TP_BTF)));
        assertEquals("tp_btf/net_dev_queue", yes.mechanism());
        assertEquals("", yes.notUsedClause());
        MechanismChoice no = MechanismChoice.tpBtf("tx", "net_dev_queue", "why", kernel(EnumSet.noneOf(KernelFeature.class)));
        assertFalse(no.available());
        assertEquals("; not tp_btf: absent for a test", no.notUsedClause());
        PkttraceException e = assertThrows(PkttraceException.class, () -> MechanismChoice.requireRunnable("p", List.of(no)));
        assertEquals("p: tx cannot attach on this kernel: it attaches as a BTF tracepoint only; not tp_btf: absent for a test",
                e.getMessage());
    }

    @Test
    void runnableNeedsEveryEssentialHookAndAtLeastOne() {
        MechanismChoice a = MechanismChoice.uses("a", "m", "w", List.of());
        MechanismChoice b = MechanismChoice.none("b", "w", List.of(), true);
        assertTrue(MechanismChoice.runnable(List.of(a, b.optional())));
        assertFalse(MechanismChoice.runnable(List.of(a, b)));
        assertFalse(MechanismChoice.runnable(List.of(b.optional())), "nothing attaches at all");
        assertFalse(MechanismChoice.runnable(List.of()));
        assertEquals(a, MechanismChoice.of(List.of(a, b), "a"));
        assertThrows(IllegalArgumentException.class, () -> MechanismChoice.of(List.of(a), "c"));
    }
}
