package io.pkttrace.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pkttrace.btf.Btf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checked-in vmlinux.h is what scripts/vmlinux-h.sh makes from vmlinux.fields and a kernel BTF
 * (this machine's, or -Dpkttrace.btf=FILE), and the generator's errors name what is missing.
 */
class VmlinuxHeaderTest {
    private static final Path DIR = Path.of("src/main/bpf/vmlinux");
    private static Btf kernel;
    private static Path btfFile;

    @BeforeAll
    static void btf() throws Exception {
        btfFile = Path.of(System.getProperty("pkttrace.btf", "/sys/kernel/btf/vmlinux"));
        if (!Files.isReadable(btfFile)) {
            String msg = "NOT RUN: no kernel BTF at " + btfFile + " to check vmlinux.h against (give one with -Dpkttrace.btf=FILE)";
            System.err.println("VmlinuxHeaderTest: " + msg);
            if ("true".equals(System.getenv("CI"))) {
                fail(msg + " (CI=true: a missing prerequisite fails)");
            }
            Assumptions.abort(msg);
        }
        kernel = Btf.read(btfFile);
    }

    private static String generate(List<String> fields) throws BuildException {
        return VmlinuxHeader.generate(kernel, VmlinuxHeader.parse(fields), BpfCompiler.kernelArch(System.getProperty("os.arch")));
    }

    @Test
    void theCheckedInHeaderIsWhatItsFieldListGives() throws Exception {
        String expected = generate(Files.readAllLines(DIR.resolve("vmlinux.fields"), StandardCharsets.UTF_8));
        String actual = Files.readString(DIR.resolve("vmlinux.h"), StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            List<String> e = expected.lines().toList();
            List<String> a = actual.lines().toList();
            int i = 0;
            while (i < e.size() && i < a.size() && e.get(i).equals(a.get(i))) {
                i++;
            }
            fail("vmlinux.h is not what vmlinux.fields gives with " + btfFile + ": run scripts/vmlinux-h.sh and commit it."
                    + " First difference at line " + (i + 1) + ": checked in '" + (i < a.size() ? a.get(i) : "<end>")
                    + "', generated '" + (i < e.size() ? e.get(i) : "<end>") + "'");
        }
        assertTrue(actual.length() < 16 * 1024, "the minimal header stays small: " + actual.length() + " bytes");
    }

    @Test
    void chosenMembersOnlyAndWholeTypesWithTheirSize() throws Exception {
        String h = generate(List.of("typedef: __u32", "struct sk_buff: len dev", "struct iphdr: *", "enum xdp_action: XDP_PASS"));
        assertTrue(h.contains("struct sk_buff {\n\tstruct net_device *dev;\n\tunsigned int len;\n};"), h);
        assertTrue(h.contains("struct net_device;\n"), "a pointee is only declared: " + h);
        assertTrue(h.contains("_Static_assert(sizeof(struct iphdr) == 20,"), h);
        assertTrue(h.contains("enum xdp_action {\n\tXDP_PASS = 2,\n};"), h);
    }

    @Test
    void whatTheBtfLacksIsNamed() {
        assertEquals("struct sk_buff has no member 'no_such_member' in this BTF",
                assertThrows(BuildException.class, () -> generate(List.of("struct sk_buff: len no_such_member"))).getMessage());
        assertEquals("struct no_such_struct is not in this BTF",
                assertThrows(BuildException.class, () -> generate(List.of("struct no_such_struct: *"))).getMessage());
        assertEquals("no anonymous enum of this BTF has the enumerator NO_SUCH_VALUE",
                assertThrows(BuildException.class, () -> generate(List.of("enum: NO_SUCH_VALUE"))).getMessage());
        BuildException e = assertThrows(BuildException.class, () -> generate(List.of("# fine", "struct sk_buff len")));
        assertTrue(e.getMessage().startsWith("vmlinux.fields line 2: 'struct sk_buff len' is not"), e.getMessage());
    }
}
