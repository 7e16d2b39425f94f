package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.topology.DemoTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The netfilter probe from the distribution, through a topology with rules in two namespaces: the
 * exact ordered rows of {@code pkttrace ping} for IPv4 and IPv6 with verdicts and rule texts, drops
 * and rejects named by their rule on the drop row, {@code --probe netfilter} alone with {@code -a},
 * and verdicts as hops of the flow sink.
 */
class NetfilterIT extends WithFirewallTopology {
    private static final Pattern ECHO_ID = Pattern.compile("id (\\d+) seq 1");

    private static String echoId(Cli.Result res) {
        Matcher m = ECHO_ID.matcher(res.out());
        assertTrue(m.find(), res.toString());
        return m.group(1);
    }

    @Test
    void ipv4PingRowsWithEveryChainItsVerdictAndItsRule() throws Exception {
        Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-c", "1", DemoTopology.SERVER_V4);
        assertEquals(0, res.exit(), res.toString());
        String c = topo.clientName();
        String r = topo.routerName();
        String s = topo.serverName();
        String info = "id " + echoId(res) + " seq 1";
        String req = "198.18.1.2 -> 198.18.2.2";
        String natted = "198.18.2.1 -> 198.18.2.2";
        String rep = "198.18.2.2 -> 198.18.1.2";
        String repNatted = "198.18.2.2 -> 198.18.2.1";
        String jump = rule(topo.router(), "ip", "filter", "FORWARD", "counter jump PTCHK");
        String ret = rule(topo.router(), "ip", "filter", "PTCHK", "meta l4proto icmp counter return");
        String accept = rule(topo.router(), "ip", "filter", "FORWARD", "meta l4proto icmp counter accept");
        String masq = rule(topo.router(), "ip", "nat", "POSTROUTING", "oifname \"r1\" counter masquerade");
        String echo = rule(topo.server(), "inet", "ptsrv", "input", "icmp type echo-request accept");
        List<NfRow> expected = List.of(
                NfRow.dev(c, "eth0", "tx", "request", req, info),
                NfRow.dev(r, "r0", "rx", "request", req, info),
                new NfRow(r, "r0", "forward", "request", req, "filter.FORWARD :JUMP PTCHK", info + ", " + jump),
                new NfRow(r, "r0", "forward", "request", req, "filter.PTCHK :RETURN", info + ", " + ret),
                new NfRow(r, "r0", "forward", "request", req, "filter.FORWARD :ACCEPT", info + ", " + accept),
                // nat chains see the packet before they rewrite it; only a connection's first packet passes them
                new NfRow(r, "r1", "postrouting", "request", req, "nat.POSTROUTING :ACCEPT", info + ", " + masq),
                NfRow.dev(r, "r1", "tx", "request", natted, info),
                NfRow.dev(s, "eth0", "rx", "request", natted, info),
                new NfRow(s, "eth0", "input", "request", natted, "ptsrv.input :ACCEPT", info + ", " + echo),
                new NfRow(s, "eth0", "output", "reply", repNatted, "ptsrv.output :ACCEPT", info + ", inet policy"),
                NfRow.dev(s, "eth0", "tx", "reply", repNatted, info),
                NfRow.dev(r, "r1", "rx", "reply", repNatted, info),
                new NfRow(r, "r1", "forward", "reply", rep, "filter.FORWARD :JUMP PTCHK", info + ", " + jump),
                new NfRow(r, "r1", "forward", "reply", rep, "filter.PTCHK :RETURN", info + ", " + ret),
                new NfRow(r, "r1", "forward", "reply", rep, "filter.FORWARD :ACCEPT", info + ", " + accept),
                NfRow.dev(r, "r0", "tx", "reply", rep, info),
                NfRow.dev(c, "eth0", "rx", "reply", rep, info));
        assertEquals(expected, NfRow.parse(res.out()), res.toString());
        assertTrue(res.err().contains("netfilter: verdicts attached as nftrace (verdicts and rules from nftables tracing"),
                "the mechanism is reported: " + res.err());
    }

    @Test
    void ipv6PingRowsWithTheIpv6Rules() throws Exception {
        Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-6", "-c", "1", DemoTopology.SERVER_V6);
        assertEquals(0, res.exit(), res.toString());
        String c = topo.clientName();
        String r = topo.routerName();
        String s = topo.serverName();
        String info = "id " + echoId(res) + " seq 1";
        String req = "2001:db8:1::2 -> 2001:db8:2::2";
        String rep = "2001:db8:2::2 -> 2001:db8:1::2";
        String fwd = rule(topo.router(), "ip6", "filter", "FORWARD", "meta l4proto ipv6-icmp counter accept");
        String echo = rule(topo.server(), "inet", "ptsrv", "input", "icmpv6 type echo-request accept");
        List<NfRow> expected = List.of(
                NfRow.dev(c, "eth0", "tx", "request", req, info),
                NfRow.dev(r, "r0", "rx", "request", req, info),
                new NfRow(r, "r0", "forward", "request", req, "filter.FORWARD :ACCEPT", info + ", " + fwd),
                NfRow.dev(r, "r1", "tx", "request", req, info),
                NfRow.dev(s, "eth0", "rx", "request", req, info),
                new NfRow(s, "eth0", "input", "request", req, "ptsrv.input :ACCEPT", info + ", " + echo),
                new NfRow(s, "eth0", "output", "reply", rep, "ptsrv.output :ACCEPT", info + ", inet policy"),
                NfRow.dev(s, "eth0", "tx", "reply", rep, info),
                NfRow.dev(r, "r1", "rx", "reply", rep, info),
                new NfRow(r, "r1", "forward", "reply", rep, "filter.FORWARD :ACCEPT", info + ", " + fwd),
                NfRow.dev(r, "r0", "tx", "reply", rep, info),
                NfRow.dev(c, "eth0", "rx", "reply", rep, info));
        assertEquals(expected, NfRow.parse(res.out()), res.toString());
    }

    /**
     * Runs a trace in the background until it says it is tracing, sends, then ends it: with Ctrl-C once
     * {@code send} returned (no fixed window the traffic must fit in on a slow machine), or, when
     * {@code args} has a --duration, at its end.
     */
    static Cli.Result traceWhile(List<String> args, Sender send) throws Exception {
        try (BackgroundTrace trace = new BackgroundTrace(args.toArray(String[]::new))) {
            trace.awaitTracing();
            send.send(trace);
            return args.contains("--duration") ? trace.finish() : trace.stopWithCtrlC();
        }
    }

    /** What a test does while the trace runs. */
    @FunctionalInterface
    interface Sender {
        void send(BackgroundTrace trace) throws Exception;
    }

    static void udp(String fromNamespace, String to, int port) throws Exception {
        assertEquals(0, topo.client().tryExec(Duration.ofSeconds(10), "bash", "-c", "echo x > /dev/udp/" + to + "/" + port)
                .exitCode(), "sending from " + fromNamespace);
    }

    @Test
    void aDropAndARejectNameTheirRuleOnTheDropRowAndTheVerdictRowAgrees() throws Exception {
        Cli.Result res = traceWhile(List.of("trace", "--probe", "netpath", "--probe", "netfilter", "-a", "protocol=udp",
                "-a", "dport=" + DROPPED_PORT + "," + REJECTED_PORT), trace -> {
                    udp(topo.clientName(), DemoTopology.SERVER_V4, DROPPED_PORT);
                    udp(topo.clientName(), DemoTopology.SERVER_V4, REJECTED_PORT);
                    // The datagrams reach the server after bash is gone: their drop rows end the traffic.
                    trace.awaitOut(out -> out.split("drop reason NETFILTER_DROP", -1).length > 2, "both drop rows", 60);
                });
        List<NfRow> rows = NfRow.parse(res.out());
        String drop = rule(topo.server(), "inet", "ptsrv", "input", "udp dport " + DROPPED_PORT + " counter drop");
        String reject = rule(topo.server(), "inet", "ptsrv", "input", "udp dport " + REJECTED_PORT + " reject");
        for (String[] want : new String[][] {{":" + DROPPED_PORT, "ptsrv.input :DROP", drop}, {":" + REJECTED_PORT,
                "ptsrv.input :REJECT", reject}}) {
            List<NfRow> server = rows.stream().filter(x -> x.netns().equals(topo.serverName()) && x.addresses().endsWith(want[0]))
                    .toList();
            List<NfRow> tail = server.subList(Math.max(0, server.size() - 2), server.size());
            assertEquals(2, tail.size(), res.toString());
            NfRow verdict = tail.get(0);
            NfRow dropRow = tail.get(1);
            assertEquals("input", verdict.hook(), res.toString());
            assertEquals(want[1], verdict.iptables(), res.toString());
            assertEquals(want[2], verdict.info(), res.toString());
            assertEquals("drop", dropRow.hook(), res.toString());
            assertEquals(want[1], dropRow.iptables(), "the drop row names the same verdict: " + res);
            assertEquals("drop reason NETFILTER_DROP, " + want[2], dropRow.info(), "and the same rule: " + res);
        }
    }

    @Test
    void theNetfilterProbeAloneShowsOnlyVerdictsOfTheFilteredFlow() throws Exception {
        Cli.Result res = traceWhile(List.of("trace", "--probe", "netfilter", "-a", "dport=" + DROPPED_PORT), trace -> {
            udp(topo.clientName(), DemoTopology.SERVER_V4, REJECTED_PORT); // filtered out
            udp(topo.clientName(), DemoTopology.SERVER_V4, DROPPED_PORT);
            trace.awaitOut(out -> out.contains("ptsrv.input :DROP"), "the server's drop verdict", 60);
        });
        List<NfRow> rows = NfRow.parse(res.out());
        assertEquals(List.of("forward", "forward", "postrouting", "input"), rows.stream().map(NfRow::hook).toList(), res.toString());
        assertTrue(rows.stream().allMatch(x -> x.addresses().endsWith(":" + DROPPED_PORT) && !x.iptables().isEmpty()), res.toString());
        assertEquals(List.of("filter.FORWARD :JUMP PTCHK", "filter.FORWARD :ACCEPT", "nat.POSTROUTING :ACCEPT", "ptsrv.input :DROP"),
                rows.stream().map(NfRow::iptables).toList());
        assertEquals("ip policy", rows.get(1).info(), "no rule accepted UDP: the chain's policy did");
    }

    @Test
    void theFlowSinkShowsVerdictsAsHopsOfThePacketsPath() throws Exception {
        Cli.Result res = traceWhile(List.of("trace", "--probe", "netpath:hooks=tx,rx,drop,consume", "--probe", "netfilter",
                "-a", "either=" + DemoTopology.SERVER_V6, "-a", "protocol=icmp6", "--sink", "flow"), trace ->
                assertEquals(0, topo.client().tryExec(Duration.ofSeconds(10), "ping", "-6", "-c", "1", DemoTopology.SERVER_V6)
                        .exitCode()));
        List<String> request = new ArrayList<>();
        boolean in = false;
        for (String line : res.out().lines().toList()) {
            if (line.startsWith("#")) {
                in = line.contains("request 2001:db8:1::2 -> 2001:db8:2::2");
            } else if (in) {
                request.add(line.strip().replaceAll("^\\+[0-9.]+ µs\\s+", "").replaceAll("\\s+", " "));
            }
        }
        String r = "[" + topo.routerInode() + " (" + topo.routerName() + ")]";
        String s = "[" + topo.serverInode() + " (" + topo.serverName() + ")]";
        assertTrue(request.contains(r + " r0 forward filter.FORWARD :ACCEPT "
                + rule(topo.router(), "ip6", "filter", "FORWARD", "meta l4proto ipv6-icmp counter accept")),
                "the router's verdict is a hop: " + request + "\n" + res);
        assertTrue(request.contains(s + " eth0 input ptsrv.input :ACCEPT "
                + rule(topo.server(), "inet", "ptsrv", "input", "icmpv6 type echo-request accept")),
                "the server's too: " + request + "\n" + res);
        int forward = indexOf(request, " r0 forward ");
        assertTrue(indexOf(request, " r0 rx") < forward && forward < indexOf(request, " r1 tx"), "in path order: " + request);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
