package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flow sink never joins two packets. Two pairs of namespaces, a1--b1 and a2--b2, have the same
 * addresses (as containers on one host often do), and the same pings run in both at once with the
 * same echo id: the same tuples cross different devices at nearly the same time. With the default
 * hooks (no consume, so most frees are not seen) buffers are freed unseen and reused at once, on any
 * device. Every printed path must be one a packet can take: hops in time order, each hop one that can
 * follow the previous one in this topology.
 */
class FlowReuseIT extends WithTopology {
    static final String A = "198.19.95.1";
    static final String B = "198.19.95.2";
    static List<Topology.Netns[]> pairs = new ArrayList<>();

    @BeforeAll
    static void twoPairsWithTheSameAddresses() throws Exception {
        for (int i = 1; i <= 2; i++) {
            Topology.Netns a = topo.netns("a" + i);
            Topology.Netns b = topo.netns("b" + i);
            topo.veth(a, "eth0", b, "eth0");
            a.addAddress("eth0", A + "/24").up("eth0");
            b.addAddress("eth0", B + "/24").up("eth0");
            pairs.add(new Topology.Netns[] {a, b});
        }
    }

    /** What can follow each crossing on one packet's path: the peer's receive; nothing after a receive. */
    private static Map<String, Set<String>> next() {
        Map<String, Set<String>> m = new java.util.HashMap<>();
        for (Topology.Netns[] p : pairs) {
            String a = p[0].name();
            String b = p[1].name();
            m.put(a + "/eth0/tx", Set.of(b + "/eth0/rx"));
            m.put(b + "/eth0/tx", Set.of(a + "/eth0/rx"));
            m.put(a + "/eth0/rx", Set.of());
            m.put(b + "/eth0/rx", Set.of());
        }
        return m;
    }

    private static Process run(Topology.Netns ns, String... argv) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        cmd.addAll(List.of(argv));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void noPrintedPathIsImpossibleUnderHeavyBufferReuse() throws Exception {
        // No fixed window for the load to fit in (a slow machine): Ctrl-C once it is done.
        Cli.Result res;
        try (BackgroundTrace trace = new BackgroundTrace("trace", "-a", "either=198.19.95.0/24", "--sink", "flow")) {
            trace.awaitTracing();
            List<Process> load = new ArrayList<>();
            for (Topology.Netns[] p : pairs) {
                // Same echo id in both pairs (as root ping may choose it): equal tuples on different devices.
                load.add(run(p[0], "ping", "-q", "-e", "7001", "-c", "600", "-i", "0.002", B));
                load.add(run(p[1], "ping", "-q", "-e", "7002", "-c", "600", "-i", "0.002", A));
                load.add(run(p[0], "bash", "-c", "for i in $(seq 150); do (echo > /dev/tcp/" + B + "/9) 2>/dev/null; done"));
            }
            for (Process p : load) {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "load did not finish");
            }
            res = trace.stopWithCtrlC();
        }
        Map<String, Set<String>> next = next();
        List<String> impossible = new ArrayList<>();
        int crossings = 0;
        for (FlowBlocks.Block b : FlowBlocks.parse(res.out())) {
            String previous = null;
            for (FlowBlocks.Hop h : b.hops()) {
                if (h.deltaMicros() < 0) {
                    impossible.add("a hop before the previous one: " + b.header());
                }
                if (!h.hook().equals("tx") && !h.hook().equals("rx")) {
                    continue; // a drop ends a path wherever it happens
                }
                crossings++;
                String here = h.netns() + "/" + h.ifname() + "/" + h.hook();
                if (previous != null && !next.getOrDefault(previous, Set.of()).contains(here)) {
                    impossible.add(previous + " then " + here + " in " + b.header());
                }
                previous = here;
            }
        }
        assertEquals(List.of(), impossible.subList(0, Math.min(impossible.size(), 20)), impossible.size() + " impossible paths");
        assertTrue(crossings > 5000, "traffic was traced: " + crossings + " crossings");
        long reused = res.out().lines().filter(l -> l.startsWith("#") && l.contains("its buffer was reused")).count();
        assertTrue(reused > 100, "buffers were reused unseen (" + reused + " times): the test exercised reuse");
    }
}
