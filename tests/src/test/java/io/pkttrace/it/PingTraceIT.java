package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.topology.DemoTopology;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code pkttrace ping} from the distribution across three namespaces: the exact ordered rows of
 * request and reply, for IPv4 and IPv6, with ping's kernel-chosen echo id.
 */
class PingTraceIT extends WithDemoTopology {
    private List<TraceRow> expected(String src, String dst) {
        String c = topo.clientName();
        String r = topo.routerName();
        String s = topo.serverName();
        String req = src + " -> " + dst;
        String rep = dst + " -> " + src;
        return List.of(
                new TraceRow(c, "eth0", "tx", "request", req),
                new TraceRow(r, "r0", "rx", "request", req),
                new TraceRow(r, "r1", "tx", "request", req),
                new TraceRow(s, "eth0", "rx", "request", req),
                new TraceRow(s, "eth0", "tx", "reply", rep),
                new TraceRow(r, "r1", "rx", "reply", rep),
                new TraceRow(r, "r0", "tx", "reply", rep),
                new TraceRow(c, "eth0", "rx", "reply", rep));
    }

    @Test
    void ipv4RequestAndReplyCrossFourInterfacesInThreeNamespaces() throws Exception {
        Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-c", "1", DemoTopology.SERVER_V4);
        assertEquals(0, res.exit(), res.toString());
        assertEquals(expected(DemoTopology.CLIENT_V4, DemoTopology.SERVER_V4), TraceRow.parse(res.out()), res.toString());
        assertTrue(res.err().contains("tp_btf/net_dev_queue"), "the mechanism is reported: " + res.err());
    }

    @Test
    void ipv6RequestAndReplyCrossFourInterfacesInThreeNamespaces() throws Exception {
        Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-6", "-c", "1", DemoTopology.SERVER_V6);
        assertEquals(0, res.exit(), res.toString());
        assertEquals(expected(DemoTopology.CLIENT_V6, DemoTopology.SERVER_V6), TraceRow.parse(res.out()), res.toString());
    }

    @Test
    void everyEchoOfACountedPingIsShownOnce() throws Exception {
        Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-c", "3", DemoTopology.SERVER_V4);
        assertEquals(0, res.exit(), res.toString());
        List<TraceRow> rows = TraceRow.parse(res.out());
        assertEquals(24, rows.size(), res.toString());
        for (int seq = 1; seq <= 3; seq++) {
            String s = "seq " + seq;
            assertEquals(8, res.out().lines().filter(l -> l.endsWith(s)).count(), res.toString());
        }
    }

    @Test
    void aPingToAnotherNamespaceOfTheSameHostIsNotConfusedWithOurs() throws Exception {
        // A second ping to the same target runs meanwhile from the router: its packets carry another id.
        // (Up to a minute: it still runs when pkttrace's ping does, however slow pkttrace's start; destroyed after.)
        ProcessBuilder other = new ProcessBuilder("ip", "netns", "exec", topo.routerName(), "ping", "-c", "1200", "-i", "0.05",
                DemoTopology.SERVER_V4).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = other.start();
        try {
            Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-c", "1", DemoTopology.SERVER_V4);
            assertEquals(0, res.exit(), res.toString());
            assertEquals(expected(DemoTopology.CLIENT_V4, DemoTopology.SERVER_V4), TraceRow.parse(res.out()), res.toString());
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    @Test
    void anUnansweredPingShowsHowFarTheRequestGot() throws Exception {
        // 198.18.2.99 is on the server's subnet but nobody has it: the router cannot deliver.
        Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-c", "1", "--timeout", "1", "198.18.2.99");
        assertEquals(1, res.exit(), "pkttrace exits with ping's status: " + res);
        List<TraceRow> rows = TraceRow.parse(res.out());
        String req = DemoTopology.CLIENT_V4 + " -> 198.18.2.99";
        assertEquals(List.of(new TraceRow(topo.clientName(), "eth0", "tx", "request", req),
                new TraceRow(topo.routerName(), "r0", "rx", "request", req)), rows.subList(0, Math.min(2, rows.size())), res.toString());
        assertTrue(rows.stream().noneMatch(r -> r.type().equals("reply")), res.toString());
    }

    @Test
    void twoConcurrentPingsShowOnlyTheirOwnPacketsAndNoSocketFilterRow() throws Exception {
        // Run as root in a fresh namespace, ping uses a raw ICMP socket with a filter for its own id: each
        // such socket gets a copy of every echo reply and its filter drops the others' (SOCKET_FILTER).
        // A plain ping keeps one such socket busy all along (up to two minutes, destroyed after), so the two
        // traced pings surely overlap it, however slowly they start.
        Process plain = new ProcessBuilder("ip", "netns", "exec", topo.clientName(), "ping", "-c", "6000", "-i", "0.02",
                DemoTopology.SERVER_V4).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            List<java.util.concurrent.Future<Cli.Result>> pings = new java.util.ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                for (int i = 0; i < 2; i++) {
                    pings.add(pool.submit(() -> Cli.run("ping", "--netns", topo.clientName(), "-c", "4", DemoTopology.SERVER_V4)));
                }
                for (java.util.concurrent.Future<Cli.Result> f : pings) {
                    Cli.Result res = f.get();
                    assertTrue(plain.isAlive(), "the plain ping ran all along");
                    assertEquals(0, res.exit(), res.toString());
                    assertTrue(!res.out().contains("SOCKET_FILTER") && !res.out().contains("drop"), res.toString());
                    List<TraceRow> rows = TraceRow.parse(res.out());
                    assertEquals(32, rows.size(), res.toString());
                    for (int seq = 1; seq <= 4; seq++) {
                        assertEquals(expected(DemoTopology.CLIENT_V4, DemoTopology.SERVER_V4), rows.subList(8 * (seq - 1), 8 * seq),
                                res.toString());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            plain.destroy();
            plain.waitFor();
        }
    }
}
