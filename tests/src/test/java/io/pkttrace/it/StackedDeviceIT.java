package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.topology.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Receive on stacked devices, checked against tcpdump on every interface. Namespace a (eth0
 * 198.19.91.1) is joined by a veth to namespace b (low0); on low0 sit two macvlans in bridge mode: mv0
 * in b (198.19.91.2) and mv1, moved to namespace c (198.19.91.3), whose lower device is then in
 * another namespace. (802.1Q VLAN, ipvlan, bond and team devices cannot be created on the test
 * kernel; they take the same kernel path, and their link kinds are covered by LinkMessagesTest.)
 */
class StackedDeviceIT extends WithTopology {
    static final String A = "198.19.91.1";
    static final String MV0 = "198.19.91.2";
    static final String MV1 = "198.19.91.3";
    static Topology.Netns a;
    static Topology.Netns b;
    static Topology.Netns c;

    @BeforeAll
    static void macvlans() throws Exception {
        a = topo.netns("a");
        b = topo.netns("b");
        c = topo.netns("c");
        topo.veth(a, "eth0", b, "low0");
        a.addAddress("eth0", A + "/24").up("eth0");
        b.up("low0");
        // Without it low0, which has no address, would answer ARP for mv0's address (weak host model)
        // and the echo requests would arrive on low0 only: a real path, but not the one to test.
        b.sysctl("net.ipv4.conf.all.arp_ignore", "1");
        try {
            b.exec("ip", "link", "add", "mv0", "link", "low0", "type", "macvlan", "mode", "bridge");
        } catch (PkttraceException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw e;
            }
            Assumptions.assumeTrue(false, "skipped: this kernel cannot create macvlan devices: " + e.getMessage());
        }
        b.addAddress("mv0", MV0 + "/24").up("mv0");
        b.exec("ip", "link", "add", "mv1", "link", "low0", "type", "macvlan", "mode", "bridge");
        b.exec("ip", "link", "set", "mv1", "netns", c.name());
        c.addAddress("mv1", MV1 + "/24").up("mv1");
    }

    private static List<TraceRow> sorted(List<TraceRow> rows) {
        List<TraceRow> s = new ArrayList<>(rows);
        s.sort(Comparator.comparing(TraceRow::toString));
        return s;
    }

    private static List<TraceRow> pingWithTcpdumpEverywhere(String target, int count) throws Exception {
        List<Tcpdump> dumps = Tcpdump.onEvery(List.of(a.name() + "/eth0", b.name() + "/low0", b.name() + "/mv0", c.name() + "/mv1"));
        try {
            Cli.Result res = Cli.run("ping", "--netns", a.name(), "-c", Integer.toString(count), target);
            assertEquals(0, res.exit(), res.toString());
            List<TraceRow> seen = TraceRow.parse(res.out());
            List<TraceRow> reference = Tcpdump.rows(dumps, seen.size());
            assertEquals(reference, sorted(seen), "every crossing tcpdump shows, and no other:\n" + res);
            return seen;
        } finally {
            for (Tcpdump t : dumps) {
                t.close();
            }
        }
    }

    /** One echo from a to a macvlan: in through low0 and then the macvlan, out through both. */
    private static List<TraceRow> path(Topology.Netns ns, String macvlan, String target) {
        String req = A + " -> " + target;
        String rep = target + " -> " + A;
        return List.of(
                new TraceRow(a.name(), "eth0", "tx", "request", req),
                new TraceRow(b.name(), "low0", "rx", "request", req),
                new TraceRow(ns.name(), macvlan, "rx", "request", req),
                new TraceRow(ns.name(), macvlan, "tx", "reply", rep),
                new TraceRow(b.name(), "low0", "tx", "reply", rep),
                new TraceRow(a.name(), "eth0", "rx", "reply", rep));
    }

    @Test
    void pingOverAMacvlanShowsEveryCrossingTcpdumpShows() throws Exception {
        List<TraceRow> rows = pingWithTcpdumpEverywhere(MV0, 2);
        assertEquals(path(b, "mv0", MV0), rows.subList(0, 6));
        assertEquals(12, rows.size());
    }

    @Test
    void aMacvlanInAnotherNamespaceThanItsLowerDeviceToo() throws Exception {
        assertEquals(path(c, "mv1", MV1), pingWithTcpdumpEverywhere(MV1, 1));
    }

    @Test
    void theMechanismIsReported() throws Exception {
        Cli.Result res = Cli.run("ping", "--netns", a.name(), "-c", "1", MV0);
        assertEquals(0, res.exit(), res.toString());
        String line = res.errLines().stream().filter(l -> l.contains("rx on stacked devices")).findFirst().orElseThrow();
        assertTrue(line.startsWith("pkttrace: netpath: rx on stacked devices attached as socket/AF_PACKET taps"), line);
        assertTrue(line.contains("mv0 (macvlan) in " + b.inode()) && line.contains("mv1 (macvlan) in " + c.inode()), line);
        assertTrue(line.contains("not tc/tcx ingress") && line.contains("not netfilter PRE_ROUTING"), "why not the others: " + line);
    }

    @Test
    void aMacvlanCreatedWhileTracingIsFollowedAndItsNamespaceIsNotKeptAlive() throws Exception {
        Topology.Netns d = topo.netns("d");
        BackgroundTrace trace = new BackgroundTrace("trace", "--duration", "600", "-a", "either=198.19.91.0/24", "--sink", "console");
        try {
            trace.awaitTracing();
            b.exec("ip", "link", "add", "mv2", "link", "low0", "type", "macvlan", "mode", "bridge");
            b.exec("ip", "link", "set", "mv2", "netns", d.name());
            d.addAddress("mv2", "198.19.91.4/24").up("mv2");
            trace.awaitErr("netpath: rx on mv2 (macvlan) in " + d.inode() + " now traced", 60);
            a.exec("ping", "-c", "1", "-W", "10", "198.19.91.4");
            // A veth from d to b shows when d is really gone: the kernel deletes it with the namespace.
            topo.veth(d, "tob", b, "tod");
            new ProcessBuilder("ip", "netns", "del", d.name()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
            // The kernel dismantles a namespace in a worker, later on a loaded machine; a namespace that
            // pkttrace's tap kept alive would never go: 30 s tells the two apart.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (b.tryExec(java.time.Duration.ofSeconds(30), "ip", "link", "show", "tod").ok()) {
                assertTrue(System.nanoTime() < end, "the deleted namespace still exists 30 s later: pkttrace's tap keeps it alive");
                Thread.sleep(50);
            }
        } finally {
            trace.process.destroy(); // SIGTERM
        }
        Cli.Result res = trace.finish();
        assertTrue(TraceRow.parse(res.out()).contains(new TraceRow(d.name(), "mv2", "rx", "request", A + " -> 198.19.91.4")),
                res.toString());
    }
}
