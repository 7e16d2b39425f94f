package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import io.pkttrace.plugins.vrouter.Datapath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code pkttrace vrouter}: one clear line on stderr saying what is wrong and what to
 * do, exit status 2, no stack trace, and no BPF program left loaded. The cases that need a vrouter
 * program use the real datapath of ../shared (they say loudly when it is missing).
 */
class VrouterUserErrorsIT {
    @TempDir
    Path tmp;

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        assertTrue(KernelTestSupport.awaitNoPkttracePrograms().stream().noneMatch(p -> p.startsWith("pt_vr_")),
                "no vrouter program is left loaded");
    }

    private Path file(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static String vrouter(Object... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("vrouter"));
        Arrays.stream(args).map(Object::toString).forEach(argv::add);
        return Cli.oneLine(Cli.run(argv.toArray(String[]::new)));
    }

    private static Path driver() throws Exception {
        return Datapath.driver("-O2");
    }

    @Test
    void symbolFileMistakes() throws Exception {
        Path missing = tmp.resolve("nope");
        assertEquals("pkttrace: symbol file " + missing + " does not exist: give -f the file that lists the functions to trace",
                vrouter("-f", missing, "--binary", "/bin/true"));
        assertTrue(vrouter("-f", file("empty", "# nothing\n\n")).contains("names no function: write one function name per line"));
        assertTrue(vrouter("-f", tmp).contains(" is a directory: give -f a file"));
        assertTrue(vrouter("-f", Path.of("/bin/true")).contains("is not text"), "binary garbage");
        assertEquals("pkttrace: symbol file " + tmp.resolve("badarg") + " line 2: arg=9 is not an argument index: give arg=0 to "
                + "arg=5 (the packet's position among the arguments, from 0)", vrouter("-f", file("badarg", "eth_rx\nvr_foo:arg=9\n")));
        assertTrue(vrouter("-f", file("badopt", "vr_foo:args=1\n")).contains("unknown option 'args=1'"));
        assertTrue(vrouter("-f", file("badname", "eth rx\n")).contains("'eth rx' is not a function name"));
    }

    @Test
    void unknownFunctionsAndArgumentsThatDoNotFit() throws Exception {
        Path d = driver();
        assertEquals("pkttrace: vrouter: nothing to attach: vr_fabrik_input does not exist in " + d + " (closest: vr_fabric_input, "
                + "vr_arp_input, vr_bridge_input): fix the symbol file", vrouter("-f", file("typo", "vr_fabrik_input\n"), "--binary", d));
        assertEquals("pkttrace: vrouter: nothing to attach: vr_do_flow_action has no symbol in " + d + ": the compiler inlined it "
                + "into its callers (the debug information still names it); trace its callers: fix the symbol file",
                vrouter("-f", file("inlined", "vr_do_flow_action\n"), "--binary", d));
        assertTrue(vrouter("-f", file("clone", "pkt_drop_stats\n"), "--binary", d)
                .contains("pkt_drop_stats exists only as GCC clone pkt_drop_stats.constprop.0"));
        assertEquals("pkttrace: vrouter: nh_output:arg=1 (line 1): argument 1 of nh_output is 'struct vr_nexthop *nh', not a "
                + "struct vr_packet pointer: drop arg= to derive the packet argument from the function's type",
                vrouter("-f", file("wrongarg", "nh_output:arg=1\n"), "--binary", d));
        assertTrue(vrouter("-f", file("toomany", "vr_pkt_type:arg=5\n"), "--binary", d).contains("vr_pkt_type has 3 arguments"));
    }

    @Test
    void targetsThatAreNotAVrouter() throws Exception {
        Path f = file("f", "vr_fabric_input\n");
        assertEquals("pkttrace: process 2147483647 does not exist: give --pid the process id of a running DPDK vrouter",
                vrouter("-f", f, "--pid", Integer.MAX_VALUE));
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            String line = vrouter("-f", f, "--pid", sleep.pid());
            assertTrue(line.contains("process " + sleep.pid() + " (") && line.contains("has none of the functions of " + f)
                    && line.contains("it is not a vrouter program: give --pid the process id of a DPDK vrouter"), line);
        } finally {
            sleep.destroy();
            sleep.waitFor(5, TimeUnit.SECONDS);
        }
        String notVrouter = vrouter("-f", f, "--binary", "/bin/true");
        assertTrue(notVrouter.contains("/bin/true has none of the functions of " + f), notVrouter);
        assertEquals("pkttrace: --binary " + tmp.resolve("absent") + " does not exist: give the path of the vrouter program "
                + "(e.g. contrail-vrouter-dpdk)", vrouter("-f", f, "--binary", tmp.resolve("absent")));
        Path stripped = tmp.resolve("vrdp_driver.stripped");
        Process p = new ProcessBuilder("objcopy", "--strip-debug", driver().toString(), stripped.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        String noDebug = vrouter("-f", f, "--binary", stripped);
        assertTrue(noDebug.contains(stripped + " has no debug information") && noDebug.contains("install the program's debug "
                + "symbols") && noDebug.contains("--btf FILE"), "says what to do: " + noDebug);
    }

    @Test
    void btfFilesThatAreNotAVrouters() throws Exception {
        Path f = file("f", "vr_fabric_input\n");
        Path garbage = file("garbage.btf", "this is not BTF at all, just text long enough for a header\n");
        assertTrue(vrouter("-f", f, "--btf", garbage).startsWith("pkttrace: --btf " + garbage + " is not BTF ("));
        String vmlinux = vrouter("-f", f, "--btf", "/sys/kernel/btf/vmlinux");
        assertEquals("pkttrace: --btf /sys/kernel/btf/vmlinux has no struct vr_packet: it does not describe a vrouter: give the BTF "
                + "or the program of a vrouter (its vr_packet is the packet every datapath function takes)", vmlinux);
        String kernel = vrouter("-f", f);
        assertTrue(kernel.startsWith("pkttrace: kernel module vrouter has no BTF (/sys/kernel/btf/vrouter is missing"), kernel);
    }

    @Test
    void kernelTargetFailsHereWithOneLineSayingWhyAndWhatWorks() throws Exception {
        Path f = file("f", "vr_fabric_input\nvr_virtual_input\nnh_output\nvr_pkt_type\n");
        String line = vrouter("-f", f, "--btf", Datapath.moduleBtf());
        assertTrue(line.startsWith("pkttrace: vrouter: cannot trace kernel module vrouter on this kernel: fentry/fexit: "), line);
        assertTrue(line.endsWith("trace a user-space (DPDK) vrouter instead, with --binary PATH or --pid PID (uprobes)"), line);
    }

    @Test
    void filterAndSinkMistakes() throws Exception {
        Path f = file("f", "vr_fabric_input\n");
        Path d = driver();
        assertTrue(vrouter("-f", f, "--binary", d, "-a", "src=300.1.1.1").startsWith("pkttrace: filter fivetuple (-a): src: "));
        assertEquals("pkttrace: -a takes key=value items, not 'src': valid keys: src, dest, protocol, sport, dport, either, port, reply",
                vrouter("-f", f, "--binary", d, "-a", "src"));
        // -o and -r are options of the calls sink: with other sinks and no calls sink there is nothing to set.
        assertEquals("pkttrace: -o is given but no calls sink was chosen: add --sink calls, or drop -o",
                vrouter("-f", f, "--binary", d, "-o", "--sink", "json"));
        assertEquals("pkttrace: -r is given but no calls sink was chosen: add --sink calls, or drop -r",
                vrouter("-f", f, "--binary", d, "-r", "--sink", "null"));
        assertEquals("pkttrace: probe vrouter: option 'functions' is required: give the symbol file: pkttrace vrouter -f FILE"
                + " (or --probe vrouter:functions=FILE), one function name per line", vrouter("--binary", d));
        assertTrue(vrouter("-f", f, "--binary", d, "--match", "middle").contains("match must be inner or outer, not 'middle'"));
        assertTrue(vrouter("-f", f, "--binary", d, "--pid", "1").contains("binary and pid exclude each other"));
    }
}
