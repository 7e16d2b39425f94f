package io.pkttrace.topology;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.netns.NetnsNames;
import io.pkttrace.topology.CommandRunner.CommandFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topology and DemoTopology against a scripted iproute2 (no kernel needed). */
class TopologyTest {
    @TempDir
    Path root;

    private long entries() throws Exception {
        try (Stream<Path> s = Files.list(root)) {
            return s.count();
        }
    }

    @Test
    void prefixIsShortUniqueAndUsedForEveryNamespace() throws Exception {
        FakeIpRunner ip = new FakeIpRunner(root);
        try (Topology a = Topology.create(ip, root); Topology b = Topology.create(ip, root)) {
            assertNotEquals(a.prefix(), b.prefix());
            assertTrue(a.prefix().matches("pt[0-9a-z]+-[0-9a-z]+-"), a.prefix());
            assertTrue(a.prefix().length() <= 12, a.prefix());
            Topology.Netns n = a.netns("client");
            assertEquals(a.prefix() + "client", n.name());
            assertEquals("client", n.shortName());
            assertEquals(List.of(n), a.namespaces());
            assertTrue(Files.exists(root.resolve(n.name())));
        }
    }

    @Test
    void execRunsInsideAndCloseDeletesNewestFirst() throws Exception {
        FakeIpRunner ip = new FakeIpRunner(root);
        String p;
        try (Topology t = Topology.create(ip, root)) {
            p = t.prefix();
            t.netns("a");
            Topology.Netns b = t.netns("b");
            assertEquals(b.inode(), NetnsNames.inode(root.resolve(p + "b")));
            ip.commands.clear();
            b.exec("ping", "-c1", "198.18.0.1");
        }
        String a = p + "a", b = p + "b";
        assertEquals(List.of(
                "ip netns exec " + b + " ping -c1 198.18.0.1",
                "ip netns del " + b,
                "ip netns del " + a), ip.joined());
        assertEquals(0, entries());
    }

    @Test
    void namespaceSetupCommands() throws Exception {
        FakeIpRunner ip = new FakeIpRunner(root);
        try (Topology t = Topology.create(ip, root)) {
            Topology.Netns a = t.netns("a");
            Topology.Netns b = t.netns("b");
            t.veth(a, "eth0", b, "eth1");
            a.addBridge("br0").setMaster("eth0", "br0").addAddress("br0", "198.18.0.1/24")
                    .addAddress("br0", "2001:db8::1/64").addRoute("default", "198.18.0.254")
                    .addRoute("2001:db8:9::/48", "2001:db8::fe").enableForwarding()
                    .sysctl("net.ipv4.conf.all.rp_filter", "0");
            String n = a.name();
            assertEquals(List.of(
                    "ip netns add " + n,
                    "ip -n " + n + " link set lo up",
                    "ip netns exec " + n + " sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0",
                    "ip netns add " + b.name(),
                    "ip -n " + b.name() + " link set lo up",
                    "ip netns exec " + b.name() + " sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0",
                    "ip -n " + n + " link add eth0 type veth peer name eth1 netns " + b.name(),
                    "ip -n " + n + " link add name br0 type bridge",
                    "ip -n " + n + " link set br0 up",
                    "ip -n " + n + " link set eth0 master br0",
                    "ip -n " + n + " -4 addr add 198.18.0.1/24 dev br0",
                    "ip -n " + n + " -6 addr add 2001:db8::1/64 dev br0 nodad",
                    "ip -n " + n + " -4 route add default via 198.18.0.254",
                    "ip -n " + n + " -6 route add 2001:db8:9::/48 via 2001:db8::fe",
                    "ip netns exec " + n + " sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1",
                    "ip netns exec " + n + " sysctl -q -w net.ipv4.conf.all.rp_filter=0"), ip.joined());
        }
    }

    @Test
    void failedStepRemovesWhatWasCreatedAndExplainsInOneLine() throws Exception {
        FakeIpRunner ip = new FakeIpRunner(root)
                .failing(argv -> argv.contains("veth"), 2, "RTNETLINK answers: File exists\n");
        Topology t = Topology.create(ip, root);
        Topology.Netns a = t.netns("a");
        Topology.Netns b = t.netns("b");
        assertEquals(2, entries());
        PkttraceException e = assertThrows(PkttraceException.class, () -> t.veth(a, "eth0", b, "eth0"));
        assertEquals("cannot create veth pair " + a.name() + "/eth0 <-> " + b.name() + "/eth0"
                + ": RTNETLINK answers: File exists", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(t.isClosed());
        assertEquals(0, entries());
        List<String> cmds = ip.joined();
        assertEquals(List.of("ip netns del " + b.name(), "ip netns del " + a.name()), cmds.subList(cmds.size() - 2, cmds.size()));
        assertThrows(IllegalStateException.class, () -> t.netns("c"));
    }

    @Test
    void missingIpCommand() throws Exception {
        Topology t = Topology.create(new FakeIpRunner(root).notInstalled(), root);
        PkttraceException e = assertThrows(PkttraceException.class, () -> t.netns("a"));
        assertEquals("the 'ip' command (iproute2) is not installed", e.getMessage());
        assertEquals("install it: apt-get install -y iproute2", e.hint());
        assertEquals(0, entries());
    }

    @Test
    void permissionDeniedMeansRoot() {
        CommandFailedException cause = CommandFailedException.exited(new CommandRunner.Result(
                List.of("ip", "netns", "add", "x"), 1, "", "mount --make-shared /run/netns failed: Operation not permitted\n"));
        PkttraceException e = Topology.explain("create network namespace x", cause);
        assertEquals("creating network namespaces needs root", e.getMessage());
        // As root (this machine) the hint names the capabilities instead of "run as root".
        assertTrue(e.hint().startsWith("run "), e.hint());
    }

    @Test
    void missingSysctlCommand() throws Exception {
        FakeIpRunner ip = new FakeIpRunner(root).failing(argv -> argv.contains("sysctl"), 255,
                "exec of \"sysctl\" failed: No such file or directory\n");
        Topology t = Topology.create(ip, root);
        PkttraceException e = assertThrows(PkttraceException.class, () -> t.netns("a"));
        assertEquals("the 'sysctl' command (procps) is not installed", e.getMessage());
        assertEquals(0, entries());
    }

    @Test
    void timeoutIsExplained() {
        CommandFailedException cause = CommandFailedException.timedOut(List.of("ip", "netns", "add", "x"), Duration.ofSeconds(10), "");
        PkttraceException e = Topology.explain("create network namespace x", cause);
        assertEquals("cannot create network namespace x: 'ip netns add x' timed out", e.getMessage());
    }

    @Test
    void refusesToAdoptAnExistingNamespace() throws Exception {
        FakeIpRunner ip = new FakeIpRunner(root);
        Topology t = Topology.create(ip, root);
        Files.createFile(root.resolve(t.prefix() + "a"));
        PkttraceException e = assertThrows(PkttraceException.class, () -> t.netns("a"));
        assertEquals("network namespace '" + t.prefix() + "a' already exists", e.getMessage());
        assertTrue(Files.exists(root.resolve(t.prefix() + "a")), "someone else's namespace was deleted");
        assertTrue(ip.commands.isEmpty());
    }

    @Test
    void validatesNames() throws Exception {
        try (Topology t = Topology.create(new FakeIpRunner(root), root)) {
            Topology.Netns a = t.netns("a");
            assertThrows(IllegalArgumentException.class, () -> t.netns("a"));
            assertThrows(IllegalArgumentException.class, () -> t.netns("x/y"));
            assertThrows(IllegalArgumentException.class, () -> t.netns(""));
            assertThrows(IllegalArgumentException.class, () -> a.up("sixteen-chars-xx"));
            assertThrows(IllegalArgumentException.class, () -> a.up("a b"));
            assertDoesNotThrow(() -> a.up("fifteen-chars-x"));
            try (Topology other = Topology.create(new FakeIpRunner(root), root)) {
                Topology.Netns o = other.netns("o");
                assertThrows(IllegalArgumentException.class, () -> t.veth(a, "x", o, "y"));
            }
        }
    }

    @Test
    void closeNeverThrowsAndIsIdempotent() throws Exception {
        FakeIpRunner ip = new FakeIpRunner(root);
        Topology t = Topology.create(ip, root);
        t.netns("a");
        t.netns("b");
        ip.failing(argv -> argv.contains("del"), 1, "Cannot remove namespace file: Device or resource busy\n");
        assertDoesNotThrow(t::close);
        assertDoesNotThrow(t::close);
        assertEquals(2 + 2 * 3, ip.commands.size(), "two deletes attempted once each");
    }

    @Test
    void demoIssuesTheDemoCommands() throws Exception {
        FakeIpRunner ip = new FakeIpRunner(root);
        String c, r, s;
        try (DemoTopology d = DemoTopology.create(ip, root)) {
            c = d.clientName();
            r = d.routerName();
            s = d.serverName();
            assertEquals(List.of(c, r, s), d.namespaceNames());
            assertTrue(c.endsWith("client") && r.endsWith("router") && s.endsWith("server"));
            assertEquals(NetnsNames.inode(root.resolve(c)), d.clientInode());
            List<String> cmds = ip.joined();
            for (String expected : List.of(
                    "ip -n " + c + " link add eth0 type veth peer name r0 netns " + r,
                    "ip -n " + r + " link add r1 type veth peer name eth0 netns " + s,
                    "ip -n " + c + " -4 addr add 198.18.1.2/24 dev eth0",
                    "ip -n " + c + " -6 addr add 2001:db8:1::2/64 dev eth0 nodad",
                    "ip -n " + r + " -4 addr add 198.18.1.1/24 dev r0",
                    "ip -n " + r + " -6 addr add 2001:db8:1::1/64 dev r0 nodad",
                    "ip -n " + r + " -4 addr add 198.18.2.1/24 dev r1",
                    "ip -n " + r + " -6 addr add 2001:db8:2::1/64 dev r1 nodad",
                    "ip -n " + s + " -4 addr add 198.18.2.2/24 dev eth0",
                    "ip -n " + s + " -6 addr add 2001:db8:2::2/64 dev eth0 nodad",
                    "ip netns exec " + r + " sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1",
                    "ip -n " + c + " -4 route add default via 198.18.1.1",
                    "ip -n " + c + " -6 route add default via 2001:db8:1::1",
                    "ip -n " + s + " -4 route add default via 198.18.2.1",
                    "ip -n " + s + " -6 route add default via 2001:db8:2::1")) {
                assertTrue(cmds.contains(expected), "missing: " + expected + " in " + cmds);
            }
            assertEquals(3, entries());
        }
        assertEquals(0, entries());
    }

    @Test
    void demoFailureLeavesNothing() throws Exception {
        FakeIpRunner ip = new FakeIpRunner(root).failing(argv -> argv.contains("route"), 2,
                "Error: Nexthop has invalid gateway.\n");
        PkttraceException e = assertThrows(PkttraceException.class, () -> DemoTopology.create(ip, root));
        assertTrue(e.getMessage().startsWith("cannot add route default via 198.18.1.1 in pt"), e.getMessage());
        assertEquals(0, entries());
    }
}
