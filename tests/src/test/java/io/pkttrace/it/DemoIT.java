package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code pkttrace demo} builds its topology, traces across it, and removes it, even when killed. */
class DemoIT {
    private static final Pattern TOPOLOGY = Pattern.compile("# demo topology: (\\S+)-client ");

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    private static List<String> namespaces() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "list").start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out.lines().map(l -> l.split(" ")[0]).toList();
    }

    @Test
    void demoTracesIpv4AndIpv6AcrossThreeNamespacesAndCleansUp() throws Exception {
        Cli.Result r = Cli.run(List.of(), java.util.Map.of(), 120, "demo");
        assertEquals(0, r.exit(), r.toString());
        Matcher m = TOPOLOGY.matcher(r.out());
        assertTrue(m.find(), r.out());
        String prefix = m.group(1);
        List<TraceRow> rows = TraceRow.parse(r.out());
        List<TraceRow> devices = rows.stream().filter(x -> x.hook().equals("tx") || x.hook().equals("rx")).toList();
        assertEquals(16, devices.size(), r.toString());
        // The demo's own rules: the router's forward accept each way, the server's input accept; IPv4 and IPv6.
        List<NfRow> verdicts = NfRow.parse(r.out()).stream().filter(x -> !x.iptables().isEmpty()).toList();
        assertEquals(List.of("filter.FORWARD :ACCEPT", "demo.input :ACCEPT", "filter.FORWARD :ACCEPT",
                "filter.FORWARD :ACCEPT", "demo.input :ACCEPT", "filter.FORWARD :ACCEPT"),
                verdicts.stream().map(NfRow::iptables).toList(), r.toString());
        assertEquals(3, rows.stream().map(TraceRow::netns).distinct().count(), "three namespaces: " + rows);
        assertEquals(4, rows.stream().map(x -> x.netns() + "/" + x.ifname()).distinct().count(), "four interfaces: " + rows);
        assertTrue(namespaces().stream().noneMatch(n -> n.startsWith(prefix)), "the demo removed its namespaces");
    }

    @Test
    void sigtermDuringTheDemoStillRemovesTheTopology() throws Exception {
        java.nio.file.Path out = java.nio.file.Files.createTempFile("demo", ".txt");
        Process p = new ProcessBuilder(Cli.command(List.of(), "demo")).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String prefix = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (prefix == null) {
                Matcher m = TOPOLOGY.matcher(java.nio.file.Files.readString(out));
                if (m.find()) {
                    prefix = m.group(1);
                }
                assertTrue(System.nanoTime() < deadline && p.isAlive(), "the demo did not start");
                Thread.sleep(20);
            }
            String pre = prefix;
            assertTrue(namespaces().stream().anyMatch(n -> n.startsWith(pre)), "the topology exists while the demo runs");
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the demo did not exit on SIGTERM");
            assertTrue(namespaces().stream().noneMatch(n -> n.startsWith(pre)), "namespaces left: " + namespaces());
            assertEquals(List.of(), KernelTestSupport.awaitNoPkttracePrograms());
        } finally {
            p.destroyForcibly();
            java.nio.file.Files.deleteIfExists(out);
        }
    }
}
