package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkttrace.core.testing.Tshark;
import io.pkttrace.topology.DemoTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * netpath's raw tracepoints (the fallback where tp_btf cannot work) against its BTF tracepoints, on
 * real packets between the test's own namespaces: the same rows (namespace, interface, hook, type,
 * addresses, drop reasons). Then a kernel whose own BTF is really gone for pkttrace and libbpf alike:
 * pkttrace runs in a private mount namespace with an empty tmpfs over /sys/kernel/btf (this machine
 * has no other vmlinux file libbpf would find), given a copy of the BTF with --btf; netpath chooses
 * raw_tp there, says why, traces the packets, and doctor says exactly what the run attaches.
 */
class RawTracepointIT extends WithDemoTopology {
    /** Runs pkttrace where /sys/kernel/btf is an empty directory: the kernel seems to have no BTF of its own. */
    private static final List<String> NO_KERNEL_BTF = List.of("unshare", "--mount", "sh", "-c",
            "mount -t tmpfs pt-no-btf /sys/kernel/btf && exec \"$0\" \"$@\"");

    @TempDir
    Path tmp;

    /**
     * Traffic of the client only: one echo over IPv4 and IPv6, and a UDP datagram the server has no socket
     * for, whose drop (after bash is gone) is waited for on the console sink's live rows.
     */
    private static void traffic(BackgroundTrace t) throws Exception {
        topo.client().exec("ping", "-c", "1", "-W", "10", DemoTopology.SERVER_V4);
        topo.client().exec("ping", "-6", "-c", "1", "-W", "10", DemoTopology.SERVER_V6);
        topo.client().exec("bash", "-c", "echo pt > /dev/udp/" + DemoTopology.SERVER_V4 + "/9");
        t.awaitOut(out -> out.contains("drop reason NO_SOCKET"), "the datagram's drop", 60);
        // The server sent its port unreachable before the drop (unless rate-limited): it travels back meanwhile.
        if (t.out().lines().anyMatch(l -> l.contains("(" + topo.serverName() + ")]") && l.matches(".*\\seth0\\s+tx\\s+icmp 3/3\\s.*"))) {
            t.awaitOut(out -> out.lines().anyMatch(l -> l.contains("(" + topo.clientName() + ")]")
                    && l.matches(".*\\seth0\\s+rx\\s+icmp 3/3\\s.*")), "the port unreachable's arrival", 60);
        }
    }

    /**
     * The rows of a trace of {@link #traffic}, without what differs between two runs whatever the probe:
     * the datagram's source port and ping's echo id (the kernel's choice), neighbour discovery.
     */
    private static List<String> rows(List<String> prefix, String... args) throws Exception {
        BackgroundTrace t = new BackgroundTrace(prefix, args);
        t.awaitTracing();
        traffic(t);
        t.interrupt();
        Cli.Result r = t.finish();
        assertEquals(130, r.exit(), "Ctrl-C: " + r);
        List<String> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            // IPv6 neighbour discovery happens only while the neighbour is not yet known: in the first run
            if (line.startsWith("[") && !line.matches(".*\\sicmp6 13[3-7]/0\\s.*")) {
                out.add(line.replaceAll("(\\d+\\.\\d+\\.\\d+\\.\\d+):\\d+ ->", "$1 ->").replaceAll("id \\d+", "id N").replaceAll("\\s+", " ").strip());
            }
        }
        out.add("stderr: " + r.err().lines().filter(l -> l.startsWith("pkttrace: netpath: tx attached as ")).findFirst()
                .orElse("no tx line: " + r.err()));
        return out;
    }

    private static String[] traceArgs(String mechanism) {
        return new String[] {"trace", "--probe", "netpath:hooks=tx,rx,drop,mechanism=" + mechanism,
                "-a", "either=" + DemoTopology.CLIENT_V4 + "," + DemoTopology.CLIENT_V6};
    }

    @Test
    void rawTracepointsShowTheRowsOfTheBtfTracepoints() throws Exception {
        List<String> btf = rows(List.of(), traceArgs("tp_btf"));
        List<String> raw = rows(List.of(), traceArgs("raw_tp"));
        assertTrue(btf.get(btf.size() - 1).contains("attached as tp_btf/net_dev_queue"), btf.toString());
        assertTrue(raw.get(raw.size() - 1).contains("attached as raw_tp/net_dev_queue")
                && raw.get(raw.size() - 1).contains("not tp_btf: mechanism=raw_tp was asked for"), raw.toString());
        assertEquals(btf.subList(0, btf.size() - 1), raw.subList(0, raw.size() - 1), "tp_btf rows, then raw_tp rows");
        String s = topo.serverName();
        for (String wanted : List.of("[" + topo.client().inode() + " (" + topo.clientName() + ")] eth0 tx request "
                        + DemoTopology.CLIENT_V4 + " -> " + DemoTopology.SERVER_V4,
                "(" + topo.clientName() + ")] eth0 rx reply " + DemoTopology.SERVER_V6 + " -> " + DemoTopology.CLIENT_V6,
                "(" + s + ")] eth0 drop udp " + DemoTopology.CLIENT_V4 + " -> " + DemoTopology.SERVER_V4 + ":9 drop reason NO_SOCKET")) {
            assertTrue(raw.stream().anyMatch(l -> l.contains(wanted)), "'" + wanted + "' in " + raw);
        }
    }

    /** The packet's bytes, when a sink asks for them, through the raw tracepoints' CO-RE reads: tshark reads them back. */
    @Test
    void rawTracepointsCopyPacketBytesForPcapng() throws Exception {
        Path capture = tmp.resolve("raw.pcapng");
        BackgroundTrace t = new BackgroundTrace(List.of(), "trace", "--probe", "netpath:hooks=tx,mechanism=raw_tp", "-a",
                "either=" + DemoTopology.CLIENT_V4, "--sink", "pcapng:output=" + capture);
        t.awaitTracing();
        topo.client().exec("ping", "-c", "1", "-W", "10", DemoTopology.SERVER_V4);
        // ping ended with its reply: its events are in the ring, and Ctrl-C drains the ring
        t.interrupt();
        Cli.Result r = t.finish();
        assertEquals(130, r.exit(), "Ctrl-C: " + r);
        assertTrue(r.err().contains("tx attached as raw_tp/net_dev_queue"), r.err());
        List<String> rows = Tshark.fields(capture, "ip.src", "ip.dst", "icmp.type");
        assertEquals(List.of(DemoTopology.CLIENT_V4 + "|" + DemoTopology.SERVER_V4 + "|8",
                DemoTopology.SERVER_V4 + "|" + DemoTopology.CLIENT_V4 + "|0",
                DemoTopology.SERVER_V4 + "|" + DemoTopology.CLIENT_V4 + "|0",
                DemoTopology.CLIENT_V4 + "|" + DemoTopology.SERVER_V4 + "|8").stream().sorted().toList(),
                rows.stream().sorted().toList(), "request and reply, each at two transmits, decoded from the copied bytes");
    }

    @Test
    void withoutKernelBtfAGivenBtfFileTracesThroughRawTracepointsAsDoctorSays() throws Exception {
        Path copy = tmp.resolve("vmlinux.btf");
        Files.copy(Path.of("/sys/kernel/btf/vmlinux"), copy);
        Cli.Result ping = Cli.run(NO_KERNEL_BTF, Map.of(), 120, "--btf", copy.toString(), "ping", "--netns",
                topo.clientName(), "-c", "1", DemoTopology.SERVER_V4);
        assertEquals(0, ping.exit(), ping.toString());
        assertEquals(8, TraceRow.parse(ping.out()).size(), "request and reply across four interfaces: " + ping);
        assertTrue(ping.err().contains("netpath: tx attached as raw_tp/net_dev_queue (raw tracepoint")
                && ping.err().contains("not tp_btf: the kernel exposes no BTF of its own"), ping.err());
        assertTrue(ping.err().contains("netpath: rx on stacked devices (macvlan, ipvlan, VLAN, bond, team) not traced"),
                "the taps' kfunc needs the kernel's BTF: " + ping.err());

        JsonNode doc = DoctorIT.doctor(Cli.run(NO_KERNEL_BTF, Map.of(), 120, "--btf", copy.toString(), "doctor", "--json"));
        for (JsonNode f : doc.get("features")) {
            if (f.get("name").asText().equals("tp_btf")) {
                assertEquals("absent", f.get("state").asText(), f.toString());
            }
        }
        JsonNode netpath = DoctorIT.probe(doc, "netpath");
        assertTrue(netpath.get("runnable").asBoolean(), netpath.toString());
        assertTrue(netpath.get("hooks").get(0).get("mechanism").asText().startsWith("raw_tp/"), netpath.toString());
        Cli.Result run = Cli.run(NO_KERNEL_BTF, Map.of(), 120, "--btf", copy.toString(), "trace", "--probe", "netpath",
                "--duration", "1");
        assertEquals(0, run.exit(), run.toString());
        DoctorIT.sameAsRun(netpath, run);

        // Insisting on tp_btf there is refused with doctor's reason, before anything loads (see the next test for why).
        Cli.Result forced = Cli.run(NO_KERNEL_BTF, Map.of(), 120, "--btf", copy.toString(), "trace", "--probe",
                "netpath:mechanism=tp_btf", "--duration", "1");
        assertEquals(2, forced.exit(), forced.toString());
        assertTrue(forced.err().contains("tx cannot attach on this kernel"), forced.toString());
    }

    /**
     * Where doctor calls tp_btf absent (the kernel's BTF hidden), it really cannot load: bpftool (libbpf)
     * loading netpath.bpf.o whole, its tp_btf programs included, fails for want of the kernel's BTF;
     * outside, the same load works. The first program is pinned by the load and removed at once.
     */
    @Test
    void whereDoctorCallsTpBtfAbsentLibbpfReallyCannotLoadTheTpBtfPrograms() throws Exception {
        Path object = tmp.resolve("netpath.bpf.o");
        Path jar;
        try (var plugins = Files.list(Cli.home().resolve("plugins"))) {
            jar = plugins.filter(p -> p.getFileName().toString().startsWith("pkttrace-plugin-netpath-")).findFirst().orElseThrow();
        }
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile());
             var in = z.getInputStream(z.getEntry("bpf/netpath.bpf.o"))) {
            Files.copy(in, object);
        }
        String pin = "/sys/fs/bpf/pt-rawtp-" + ProcessHandle.current().pid();
        try {
            List<String> hidden = new ArrayList<>(NO_KERNEL_BTF);
            hidden.set(hidden.size() - 1, "mount -t tmpfs pt-no-btf /sys/kernel/btf && exec bpftool prog load \"$0\" " + pin);
            hidden.add(object.toString());
            String[] out = run(hidden);
            assertTrue(!out[0].equals("0") && out[1].contains("failed to find valid kernel BTF"), String.join("\n", out));
            out = run(List.of("bpftool", "prog", "load", object.toString(), pin));
            assertEquals("0", out[0], "with the kernel's BTF it loads: " + out[1]);
        } finally {
            Files.deleteIfExists(Path.of(pin));
        }
    }

    /** Exit status and output of a command. */
    private static String[] run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(argv + " did not finish");
        }
        return new String[] {Integer.toString(p.exitValue()), out};
    }
}
