package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.topology.DemoTopology;
import io.pkttrace.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The netfilter probe changes nothing it does not own and leaves nothing behind: the stateless
 * ruleset of every namespace is byte-identical before and after a run, however it ends (its end,
 * SIGTERM, SIGINT, SIGKILL); a table an earlier pkttrace left is removed; namespaces that appear or
 * vanish meanwhile, a ruleset changed meanwhile, a netlink overrun and missing privileges each give
 * one clear line.
 */
class NetfilterLifecycleIT extends WithFirewallTopology {

    /** Stateless rulesets of the host and the three namespaces. */
    private static Map<String, String> rulesets() throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("host", new String(new ProcessBuilder("nft", "-s", "list", "ruleset").start().getInputStream().readAllBytes()));
        for (Topology.Netns ns : List.of(topo.client(), topo.router(), topo.server())) {
            m.put(ns.name(), ruleset(ns));
        }
        return m;
    }

    /** A running pkttrace, started and waited for until it traces. */
    record Running(Process process, Path outFile, Path errFile) implements AutoCloseable {
        static Running start(String... args) throws Exception {
            Path out = Files.createTempFile("pkttrace-out", ".txt");
            Path err = Files.createTempFile("pkttrace-err", ".txt");
            Process p = new ProcessBuilder(Cli.command(List.of(), args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            Running r = new Running(p, out, err);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(err).contains("Ctrl-C to stop")) {
                assertTrue(p.isAlive(), "pkttrace ended early: " + Files.readString(err));
                assertTrue(System.nanoTime() < deadline, "pkttrace did not start tracing");
                Thread.sleep(20);
            }
            return r;
        }

        String err() throws Exception {
            return Files.readString(errFile);
        }

        String out() throws Exception {
            return Files.readString(outFile);
        }

        void signal(String sig) throws Exception {
            assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "pkttrace did not exit on SIG" + sig);
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            Files.deleteIfExists(outFile);
            Files.deleteIfExists(errFile);
        }
    }

    private void rulesetsAreUntouchedAfter(String signal) throws Exception {
        Map<String, String> before = rulesets();
        try (Running r = Running.start("trace", "--probe", "netfilter", "--probe", "netpath", "--duration", "600", "--stats")) {
            Map<String, String> during = rulesets();
            for (String ns : before.keySet()) {
                assertTrue(during.get(ns).contains("table inet pkttrace_" + r.process().pid() + "_"),
                        "while tracing, its table is in " + ns + ": " + during.get(ns));
            }
            r.signal(signal);
            if (!signal.equals("KILL")) {
                assertTrue(r.err().contains("events shown"), "it ended through its shutdown hook: " + r.err());
            }
        }
        assertEquals(before, rulesets(), "after SIG" + signal + " every ruleset is byte-identical to before");
        assertEquals(List.of(), netfilterLinks(), "no BPF netfilter link is left");
    }

    /** BPF links of pkttrace's hook program still in the kernel. */
    static List<String> netfilterLinks() throws Exception {
        Process p = new ProcessBuilder("bpftool", "link", "show").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        List<String> progs = new ArrayList<>();
        Process q = new ProcessBuilder("bpftool", "prog", "show", "name", "pt_nf_hook").redirectErrorStream(true).start();
        for (String line : new String(q.getInputStream().readAllBytes()).lines().toList()) {
            if (line.matches("^\\d+: .*")) {
                progs.add(line.split(":")[0]);
            }
        }
        q.waitFor();
        List<String> left = new ArrayList<>();
        for (String line : out.lines().toList()) {
            for (String id : progs) {
                if (line.contains("prog " + id + " ") || line.endsWith("prog " + id)) {
                    left.add(line.strip());
                }
            }
        }
        return left;
    }

    @Test
    void sigtermLeavesEveryRulesetAsItWas() throws Exception {
        rulesetsAreUntouchedAfter("TERM");
    }

    @Test
    void sigintLeavesEveryRulesetAsItWas() throws Exception {
        rulesetsAreUntouchedAfter("INT");
    }

    @Test
    void sigkillLeavesEveryRulesetAsItWasBecauseTheKernelOwnsTheCleanup() throws Exception {
        rulesetsAreUntouchedAfter("KILL");
    }

    @Test
    void aRunThatEndsByItselfLeavesEveryRulesetAsItWas() throws Exception {
        Map<String, String> before = rulesets();
        Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-c", "2", DemoTopology.SERVER_V4);
        assertEquals(0, res.exit(), res.toString());
        assertTrue(res.out().contains("ptsrv.input :ACCEPT"), "it traced verdicts: " + res);
        assertEquals(before, rulesets());
    }

    @Test
    void aTableLeftByAnEarlierPkttraceIsRemovedAtStart() throws Exception {
        String leftover = "pkttrace_999999_dead"; // pid_max is far below: that process cannot exist
        topo.router().exec("nft", "add table inet " + leftover + "; add chain inet " + leftover
                + " prerouting { type filter hook prerouting priority -2147483646; policy accept; }");
        Cli.Result res = Cli.run("trace", "--probe", "netfilter", "--duration", "1");
        assertEquals(0, res.exit(), res.toString());
        assertTrue(res.err().contains("netfilter: removed table inet " + leftover + " left behind by an earlier pkttrace in namespace "
                + topo.routerInode() + " (" + topo.routerName() + ")"), res.toString());
        assertFalse(ruleset(topo.router()).contains(leftover), "it is gone");
    }

    @Test
    void aNamespaceCreatedMidRunIsTracedAndOneThatDisappearsEndsCleanly() throws Exception {
        Map<String, String> before = rulesets();
        try (Running r = Running.start("trace", "--probe", "netpath", "--probe", "netfilter", "-a", "either=198.18.77.2",
                "--duration", "600", "--stats");
             Topology late = Topology.create()) {
            Topology.Netns a = late.netns("a");
            Topology.Netns b = late.netns("b");
            late.veth(a, "eth0", b, "eth0");
            a.addAddress("eth0", "198.18.77.1/24").up("eth0");
            b.addAddress("eth0", "198.18.77.2/24").up("eth0");
            b.exec("nft", "add table inet late; add chain inet late input { type filter hook input priority 0; policy accept; };"
                    + " add rule inet late input udp dport 7 counter accept");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // pkttrace's table, with a marking chain at the input hook now that b has an input chain
            while (!ruleset(b).matches("(?s).*table inet pkttrace_" + r.process().pid() + "_.*chain input .*meta nftrace set 1.*")) {
                assertTrue(System.nanoTime() < deadline, "the new namespace was not picked up: " + r.err());
                Thread.sleep(50);
            }
            assertEquals(0, a.tryExec(Duration.ofSeconds(30), "bash", "-c", "echo x > /dev/udp/198.18.77.2/7").exitCode());
            String bLabel = b.inode() + " (" + b.name() + ")";
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!r.out().contains("late.input :ACCEPT")) {
                assertTrue(System.nanoTime() < deadline, "no verdict from the new namespace: " + r.out() + r.err());
                Thread.sleep(50);
            }
            assertTrue(r.out().contains("[" + bLabel + "]"), r.out());
            late.close(); // both namespaces go while pkttrace runs
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!r.err().contains("netfilter: namespace " + bLabel + " is gone: its trace ended")) {
                assertTrue(System.nanoTime() < deadline, "no line about the vanished namespace: " + r.err());
                Thread.sleep(50);
            }
            assertTrue(r.process().isAlive(), "the trace goes on: " + r.err());
            r.signal("TERM");
            assertTrue(r.err().contains("events shown"), r.err());
            assertFalse(r.err().contains("is not traced"), "every namespace could be traced: " + r.err());
        }
        assertEquals(before, rulesets());
        assertEquals(List.of(), netfilterLinks());
    }

    @Test
    void aRulesetChangedMidRunShowsEachVerdictWithTheRuleOfItsTimeOrMarkedStale() throws Exception {
        Topology.Netns s = topo.server();
        s.exec("nft", "add table ip ptchg; add chain ip ptchg input { type filter hook input priority 10; policy accept; };"
                + " add rule ip ptchg input icmp type echo-request counter accept comment \"first\"");
        try (Running r = Running.start("trace", "--probe", "netfilter", "-a", "either=" + DemoTopology.SERVER_V4,
                "-a", "protocol=icmp", "--duration", "600")) {
            // Pings until the test has seen what it needs (bounded: two minutes at most).
            Process ping = new ProcessBuilder("ip", "netns", "exec", topo.clientName(), "ping", "-c", "480", "-i", "0.25",
                    DemoTopology.SERVER_V4).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                // Verdicts under the first rule, then the change, then verdicts under the second: waited for, not timed.
                awaitRuleVerdicts(r, "first", 2);
                // The table goes and comes back with another rule under the same handle: handles restart.
                s.exec("nft", "delete table ip ptchg; add table ip ptchg;"
                        + " add chain ip ptchg input { type filter hook input priority 10; policy accept; };"
                        + " add rule ip ptchg input icmp type echo-request counter accept comment \"second\"");
                awaitRuleVerdicts(r, "second", 2);
            } finally {
                ping.destroy();
                ping.waitFor(10, TimeUnit.SECONDS);
            }
            r.signal("TERM");
            List<String> texts = NfRow.parse(r.out()).stream().filter(x -> x.iptables().startsWith("ptchg.input"))
                    .map(NfRow::info).toList();
            boolean second = false;
            int firsts = 0;
            int seconds = 0;
            for (String t : texts) {
                if (t.endsWith("comment \"second\"") && !t.contains("(stale)")) {
                    second = true;
                    seconds++;
                } else if (t.endsWith("comment \"first\"") && !t.contains("(stale)")) {
                    assertFalse(second, "an old rule's text after the new one: " + texts);
                    firsts++;
                } else {
                    assertTrue(t.contains("(stale)") || t.contains("text unknown"), "neither right nor marked stale: " + t);
                }
            }
            assertTrue(firsts >= 2 && seconds >= 2, "verdicts before and after the change: " + texts);
        } finally {
            s.exec("nft", "delete table ip ptchg");
        }
    }

    /** Waits until {@code count} verdicts of chain ptchg.input name the rule with that comment (not stale). */
    private static void awaitRuleVerdicts(Running r, String comment, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (NfRow.parse(r.out()).stream().filter(x -> x.iptables().startsWith("ptchg.input")
                && x.info().endsWith("comment \"" + comment + "\"") && !x.info().contains("(stale)")).count() < count) {
            assertTrue(r.process().isAlive(), "pkttrace ended: " + r.err());
            assertTrue(System.nanoTime() < deadline, count + " verdicts of the rule '" + comment + "' in 60 s: " + r.out() + r.err());
            Thread.sleep(50);
        }
    }

    @Test
    void aNetlinkOverrunIsCountedAndReportedAsLost() throws Exception {
        try (Running r = Running.start("trace", "--probe", "netfilter:rcvbuf=4096", "--sink", "null:report=false",
                "-a", "either=" + DemoTopology.SERVER_V4, "--duration", "600")) {
            Process flood = new ProcessBuilder("ip", "netns", "exec", topo.clientName(), "ping", "-f", "-c", "20000", "-q",
                    DemoTopology.SERVER_V4).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(flood.waitFor(300, TimeUnit.SECONDS));
            r.signal("TERM");
            String err = r.err();
            assertTrue(err.matches("(?s).*netfilter: \\d+ trace messages were lost because a netlink receive buffer was full.*"), err);
            assertTrue(err.contains("WARNING"), "the run report says events were lost: " + err);
        }
    }

    @Test
    void withoutNetAdminTheProbeSaysSoInOneLineAndPingGoesOnWithoutIt() throws Exception {
        List<String> noNetAdmin = List.of("setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin", "--");
        Cli.Result res = Cli.run(noNetAdmin, Map.of(), 60, "trace", "--probe", "netfilter", "--duration", "1");
        assertEquals(2, res.exit(), res.toString());
        assertEquals(List.of("pkttrace: the netfilter probe needs CAP_NET_ADMIN (nftables tracing) and CAP_SYS_ADMIN (entering"
                + " namespaces): run pkttrace as root, or without --probe netfilter"), res.errLines());
        Cli.Result ping = Cli.run(noNetAdmin, Map.of(), 60, "ping", "--netns", topo.clientName(), "-c", "1", DemoTopology.SERVER_V4);
        assertEquals(0, ping.exit(), ping.toString());
        assertTrue(ping.err().contains("pkttrace: netfilter: verdicts are not shown: the netfilter probe needs CAP_NET_ADMIN"), ping.err());
        assertEquals(8, TraceRow.parse(ping.out()).size(), "the device rows are all there: " + ping);
    }
}
