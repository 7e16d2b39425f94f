package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The bpf(2) values LibbpfObject writes by hand (libbpf 1.1 has no names for them) are the kernel's. */
class UapiConstantsTest {
    private static long value(Btf btf, String enumerator) {
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.kind(id) == BtfKind.ENUM || btf.kind(id) == BtfKind.ENUM64) {
                for (Btf.EnumValue v : btf.enumValues(id)) {
                    if (v.name().equals(enumerator)) {
                        return v.value();
                    }
                }
            }
        }
        throw new AssertionError(enumerator + " is not in the kernel's BTF");
    }

    @Test
    void rawLinkValuesMatchTheKernel() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        boolean present = Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"));
        if (!present && ci) {
            throw new AssertionError("no kernel BTF (CI=true)");
        }
        Assumptions.assumeTrue(present, "no kernel BTF");
        Btf k = Btf.vmlinux();
        assertEquals(LibbpfObject.BPF_LINK_CREATE, value(k, "BPF_LINK_CREATE"));
        assertEquals(LibbpfObject.BPF_PROG_TYPE_KPROBE, value(k, "BPF_PROG_TYPE_KPROBE"));
        assertEquals(LibbpfObject.BPF_TRACE_UPROBE_MULTI, value(k, "BPF_TRACE_UPROBE_MULTI"));
        assertEquals(LibbpfObject.BPF_F_UPROBE_MULTI_RETURN, value(k, "BPF_F_UPROBE_MULTI_RETURN"));
        assertEquals(LibbpfObject.BPF_PROG_TYPE_NETFILTER, value(k, "BPF_PROG_TYPE_NETFILTER"));
        assertEquals(LibbpfObject.BPF_NETFILTER, value(k, "BPF_NETFILTER"));
        assertTrue(KernelFeatures.hasUprobeMulti(), "this kernel (6.6+) has uprobe.multi");
    }
}
