package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packet argument derived from the user-space datapath's own debug information agrees with the
 * one derived from a real vrouter.ko's BTF, for every function both contain; and the facts pkt_tracer
 * got wrong (the packet is not always the 2nd argument) come out of the derivation.
 */
class ArgumentIndexAgreementTest {
    @TempDir
    Path tmp;

    /** name -> "index/levels" for every function of the target whose BTF shows a vr_packet parameter. */
    private Map<String, String> derive(TargetInfo info) throws Exception {
        Path f = tmp.resolve("all");
        Files.writeString(f, "*\n");
        FunctionResolver.Resolution r = new FunctionResolver(info, 100_000).resolve(SymbolFile.read(f, "-f"));
        return r.functions().stream().filter(t -> t.packetArg() >= 0 && t.hasBtf())
                .collect(Collectors.toMap(TracedFunction::name, t -> t.packetArg() + "/" + t.levels(), (a, b) -> a));
    }

    @Test
    void binaryAndModuleAgree() throws Exception {
        Map<String, String> module = derive(TargetInfo.kernel("vrouter", Datapath.moduleBtf(), tmp.resolve("no-kallsyms")));
        assertEquals("2/1", module.get("vr_virtual_input"));
        assertEquals("0/1", module.get("nh_output"));
        assertEquals("1/1", module.get("vr_fabric_input"));
        assertEquals("3/1", module.get("vr_flow_action"), "the packet is not always the 2nd argument");
        assertTrue(module.containsValue("0/2") || module.containsValue("1/2"), "some take struct vr_packet **");
        for (String opt : List.of("-O2", "-O0")) {
            Path driver = Datapath.driver(opt);
            Map<String, String> binary = derive(TargetInfo.program(driver, -1, null, null));
            Map<String, String> disagree = new HashMap<>();
            int both = 0;
            for (Map.Entry<String, String> e : binary.entrySet()) {
                String m = module.get(e.getKey());
                if (m != null) {
                    both++;
                    if (!m.equals(e.getValue())) {
                        disagree.put(e.getKey(), "binary " + e.getValue() + ", module " + m);
                    }
                }
            }
            System.err.println("ArgumentIndexAgreementTest " + opt + ": " + both + " functions with a packet argument in both");
            assertTrue(both > 100, opt + ": only " + both + " functions in common");
            assertEquals(Map.of(), disagree, opt);
        }
    }
}
