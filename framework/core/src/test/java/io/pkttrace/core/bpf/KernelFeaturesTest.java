package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import org.junit.jupiter.api.Test;

class KernelFeaturesTest {
    @Test
    void missingBtfIsNamed() {
        PkttraceException e = assertThrows(PkttraceException.class,
                () -> KernelFeatures.requireBtf(java.nio.file.Path.of("/nonexistent/vmlinux")));
        assertTrue(e.userLine().contains("no BTF") && e.userLine().contains("CONFIG_DEBUG_INFO_BTF"), e.userLine());
    }

    @Test
    void parsesEffectiveCapabilities() {
        assertEquals(0x000001ffffffffffL, KernelFeatures.effectiveCapabilities("Name:\tx\nCapEff:\t000001ffffffffff\nCapBnd:\t0\n"));
        assertEquals(0, KernelFeatures.effectiveCapabilities("Name:\tx\n"));
    }

    @Test
    void privilegesNeedSysAdminOrBpfWithPerfmon() {
        PkttraceException e = assertThrows(PkttraceException.class, () -> KernelFeatures.requireBpfPrivileges(0));
        assertTrue(e.userLine().contains("needs root"));
        assertDoesNotThrow(() -> KernelFeatures.requireBpfPrivileges(1L << 21));
        assertDoesNotThrow(() -> KernelFeatures.requireBpfPrivileges((1L << 38) | (1L << 39)));
        assertThrows(PkttraceException.class, () -> KernelFeatures.requireBpfPrivileges(1L << 39));
    }
}
