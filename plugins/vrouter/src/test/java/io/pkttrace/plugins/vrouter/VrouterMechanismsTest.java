package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The vrouter probe's one mechanism decision (KernelAttacher, the uprobe path and doctor follow it). */
class VrouterMechanismsTest {
    private static KernelSupport kernel(Set<KernelFeature> present) {
        return KernelSupport.assuming(present, "absent");
    }

    @Test
    void kernelModuleOrder() {
        Target module = Target.kernel("vrouter");
        assertEquals("fentry/fexit", VrouterMechanisms.choose(module, kernel(EnumSet.allOf(KernelFeature.class))).get(0).mechanism());
        MechanismChoice multi = VrouterMechanisms.choose(module, kernel(EnumSet.of(KernelFeature.KPROBE_MULTI, KernelFeature.KPROBE))).get(0);
        assertEquals("kprobe.multi/kretprobe.multi", multi.mechanism());
        assertEquals(List.of("fentry/fexit: absent"), multi.notUsed());
        MechanismChoice none = VrouterMechanisms.choose(module, kernel(EnumSet.of(KernelFeature.UPROBE))).get(0);
        assertFalse(none.available());
        assertEquals(List.of("fentry/fexit: absent", "kprobe.multi: absent", "kprobe: absent"), none.notUsed());
        assertTrue(none.essential());
    }

    @Test
    void userSpaceAndBothKindsWithoutAConfig() {
        Target program = Target.program(Path.of("/bin/true"), -1);
        assertEquals("uprobe+uretprobe", VrouterMechanisms.choose(program, kernel(EnumSet.of(KernelFeature.UPROBE))).get(0).mechanism());
        List<MechanismChoice> both = VrouterMechanisms.choose(null, kernel(EnumSet.of(KernelFeature.UPROBE, KernelFeature.UPROBE_MULTI)));
        assertEquals(List.of("kernel-module functions", "user-space functions"), both.stream().map(MechanismChoice::hook).toList());
        assertTrue(MechanismChoice.runnable(both), "this machine: the DPDK vrouter can be traced");
        assertFalse(MechanismChoice.runnable(VrouterMechanisms.choose(null, kernel(EnumSet.noneOf(KernelFeature.class)))));
    }
}
