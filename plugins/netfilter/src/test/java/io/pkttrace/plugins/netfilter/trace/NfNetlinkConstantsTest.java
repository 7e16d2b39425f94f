package io.pkttrace.plugins.netfilter.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every number of {@link NfNetlink} against the running kernel's own definition: each UAPI enum
 * constant is an enumerator in the kernel's BTF, read here by name.
 */
class NfNetlinkConstantsTest {
    private static final java.util.Set<String> DEFINES = java.util.Set.of("NF_VERDICT_MASK", "NLA_TYPE_MASK",
            "NFNL_SUBSYS_NFTABLES", "NF_DROP", "NF_ACCEPT", "NF_STOLEN", "NF_QUEUE", "NF_REPEAT", "NF_STOP");
    @Test
    void everyConstantIsTheKernels() throws Exception {
        io.pkttrace.core.testing.KernelTestSupport.requireBpf(); // kernel BTF
        Btf btf = Btf.vmlinux();
        Map<String, Long> kernel = new HashMap<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.kind(id) == BtfKind.ENUM || btf.kind(id) == BtfKind.ENUM64) {
                for (Btf.EnumValue v : btf.enumValues(id)) {
                    kernel.putIfAbsent(v.name(), v.value());
                }
            }
        }
        int checked = 0;
        for (Field f : NfNetlink.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) {
                continue;
            }
            String name = f.getName();
            if (DEFINES.contains(name) || name.startsWith("NLMSG_")) {
                continue; // #defines, not enums: BTF does not carry them
            }
            Long k = kernel.get(name);
            assertTrue(k != null, name + " is not an enum constant of this kernel");
            assertEquals(k.longValue(), f.getInt(null), name + " differs from the kernel's");
            checked++;
        }
        assertTrue(checked >= 35, "checked " + checked);
    }
}
