package io.pkttrace.plugins.netfilter.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every number of {@link NfNetlink} against the running kernel's own definition: the build dumps its
 * BTF into vmlinux.h (target/generated-bpf), where each UAPI enum constant appears by name.
 */
class NfNetlinkConstantsTest {
    private static final java.util.Set<String> DEFINES = java.util.Set.of("NF_VERDICT_MASK", "NLA_TYPE_MASK",
            "NFNL_SUBSYS_NFTABLES", "NF_DROP", "NF_ACCEPT", "NF_STOLEN", "NF_QUEUE", "NF_REPEAT", "NF_STOP");
    private static final Pattern ENUM = Pattern.compile("^\\s+([A-Z][A-Z0-9_]+) = (-?\\d+),?$", Pattern.MULTILINE);

    @Test
    void everyConstantIsTheKernels() throws Exception {
        Path vmlinux = Path.of("target/generated-bpf/vmlinux.h");
        assertTrue(Files.isReadable(vmlinux), "the build generates " + vmlinux.toAbsolutePath() + " from the kernel's BTF");
        Map<String, Long> kernel = new HashMap<>();
        Matcher m = ENUM.matcher(Files.readString(vmlinux));
        while (m.find()) {
            kernel.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
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
