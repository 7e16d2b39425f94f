package io.pkttrace.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** StructLayout and EnumConstants on this kernel's BTF (stable UAPI types), and the messages of mismatches. */
class LayoutTest {
    private static Btf kernel;

    @BeforeAll
    static void kernel() throws Exception {
        if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            System.err.println("LayoutTest: NOT RUN: /sys/kernel/btf/vmlinux (kernel BTF) is missing");
            if ("true".equals(System.getenv("CI"))) {
                fail("/sys/kernel/btf/vmlinux is missing (CI=true: a missing prerequisite fails)");
            }
            Assumptions.abort("no kernel BTF");
        }
        kernel = Btf.vmlinux();
    }

    @Test
    void fieldsAreFoundByNameAlsoInsideAnonymousUnions() throws Exception {
        StructLayout ip = StructLayout.of(kernel, "iphdr");
        assertEquals(20, ip.size());
        assertEquals(9, ip.offset("protocol", 1));
        assertEquals(12, ip.offset("saddr", 4)); // inside union { struct { saddr; daddr; }; ... }
        assertEquals(16, ip.offset("daddr", 4));
        StructLayout eth = StructLayout.of(kernel, "ethhdr");
        assertEquals(6, eth.length("h_dest", 6));
        assertEquals(16, StructLayout.of(kernel, "ipv6hdr").element("saddr").size());
    }

    @Test
    void everyMismatchNamesTheStructAndTheField() throws Exception {
        StructLayout ip = StructLayout.of(kernel, "iphdr");
        assertEquals("struct iphdr: field 'protocol' is 1 bytes, expected 2",
                assertThrows(LayoutException.class, () -> ip.offset("protocol", 2)).getMessage());
        assertEquals("struct iphdr has no field 'source'",
                assertThrows(LayoutException.class, () -> ip.offset("source", 4)).getMessage());
        assertEquals("struct iphdr: field 'version' is a bitfield, expected 1 bytes",
                assertThrows(LayoutException.class, () -> ip.offset("version", 1)).getMessage());
        assertEquals("struct ethhdr: field 'h_dest' has 6 elements, expected 8",
                assertThrows(LayoutException.class, () -> StructLayout.of(kernel, "ethhdr").length("h_dest", 8)).getMessage());
        assertEquals("struct no_such_struct is not in the BTF",
                assertThrows(LayoutException.class, () -> StructLayout.of(kernel, "no_such_struct")).getMessage());
    }

    @Test
    void enumeratorsByName() throws Exception {
        EnumConstants xdp = EnumConstants.of(kernel, "xdp_action");
        assertEquals(2, xdp.value("XDP_PASS"));
        assertEquals("enum xdp_action has no enumerator XDP_FLY",
                assertThrows(LayoutException.class, () -> xdp.value("XDP_FLY")).getMessage());
        assertThrows(LayoutException.class, () -> EnumConstants.of(kernel, "no_such_enum"));
    }
}
