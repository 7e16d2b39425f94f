package io.pkttrace.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.netns.NetnsNames;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real namespaces, veths and pings. Needs root; with CI=true a missing capability fails. */
@Tag("kernel")
class DemoTopologyKernelTest {
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);
    private final CommandRunner runner = new CommandRunner();

    @BeforeEach
    void requireRoot() {
        NetnsTestEnv.requireNetnsCapability();
    }

    private Set<String> netnsList() throws Exception {
        // `ip netns list` prints "NAME" or "NAME (id: N)" per line.
        return Set.copyOf(runner.run("ip", "netns", "list").stdout().lines()
                .map(l -> l.split(" ", 2)[0]).toList());
    }

    private static CommandRunner.Result ping(Topology.Netns from, String... args) throws Exception {
        String[] argv = new String[args.length + 1];
        argv[0] = "ping";
        System.arraycopy(args, 0, argv, 1, args.length);
        return from.tryExec(PING_TIMEOUT, argv);
    }

    @Test
    void demoPingsBothWaysAndCloseRemovesIt() throws Exception {
        List<String> names;
        try (DemoTopology demo = DemoTopology.create()) {
            names = demo.namespaceNames();
            assertTrue(netnsList().containsAll(names), netnsList() + " lacks " + names);

            // The very first packets: ARP / neighbour discovery must happen on their own.
            CommandRunner.Result v4 = ping(demo.client(), "-c1", "-W2", DemoTopology.SERVER_V4);
            assertEquals(0, v4.exitCode(), v4.stdout() + v4.stderr());
            CommandRunner.Result v6 = ping(demo.client(), "-c1", "-W2", DemoTopology.SERVER_V6);
            assertEquals(0, v6.exitCode(), v6.stdout() + v6.stderr());
            // Forwarded, not answered by the router: one hop less TTL than the server sent.
            assertTrue(v4.stdout().contains("from " + DemoTopology.SERVER_V4), v4.stdout());
            assertTrue(v4.stdout().contains("ttl=63"), v4.stdout());
            CommandRunner.Result back = ping(demo.server(), "-c1", "-W2", DemoTopology.CLIENT_V6);
            assertEquals(0, back.exitCode(), back.stdout() + back.stderr());

            // Interfaces carry the short fixed names traces will show.
            String links = demo.router().exec("ip", "-o", "link", "show").stdout();
            assertTrue(links.contains(" r0@") && links.contains(" r1@"), links);
            assertTrue(demo.client().exec("ip", "-o", "link", "show", "eth0").stdout().contains("UP"));

            // Inodes agree with what processes inside the namespace see, and NetnsNames maps them back.
            NetnsNames netnsNames = new NetnsNames();
            long clientIno = demo.clientInode();
            String inside = demo.client().exec("readlink", "/proc/self/ns/net").stdout().strip();
            assertEquals("net:[" + clientIno + "]", inside);
            assertEquals(Optional.of(demo.clientName()), netnsNames.nameOf(clientIno));
            assertEquals(Optional.of(demo.serverName()), netnsNames.nameOf(demo.serverInode()));
            assertEquals(clientIno, netnsNames.inodeOf(demo.clientName()));
            assertNotEquals(netnsNames.currentInode(), clientIno);
            assertEquals(3, Set.of(clientIno, demo.routerInode(), demo.serverInode()).size());
        }
        Set<String> after = netnsList();
        for (String n : names) {
            assertFalse(after.contains(n), n + " survived close()");
        }
        PkttraceException gone = assertThrows(PkttraceException.class, () -> new NetnsNames().inodeOf(names.get(0)));
        assertEquals("list them with: ip netns list", gone.hint());
    }

    @Test
    void bridgedTopologyWorksAndFailureCleansUp() throws Exception {
        List<String> names;
        try (Topology t = Topology.create()) {
            Topology.Netns h1 = t.netns("h1");
            Topology.Netns h2 = t.netns("h2");
            Topology.Netns sw = t.netns("sw");
            t.veth(h1, "eth0", sw, "p1");
            t.veth(h2, "eth0", sw, "p2");
            sw.addBridge("br0").setMaster("p1", "br0").setMaster("p2", "br0").up("p1").up("p2");
            h1.up("eth0").addAddress("eth0", "198.18.3.1/24").addAddress("eth0", "2001:db8:3::1/64");
            h2.up("eth0").addAddress("eth0", "198.18.3.2/24").addAddress("eth0", "2001:db8:3::2/64");
            names = t.namespaces().stream().map(Topology.Netns::name).toList();

            CommandRunner.Result v4 = ping(h1, "-c1", "-W2", "198.18.3.2");
            assertEquals(0, v4.exitCode(), v4.stdout() + v4.stderr());
            CommandRunner.Result v6 = ping(h2, "-c1", "-W2", "2001:db8:3::1");
            assertEquals(0, v6.exitCode(), v6.stdout() + v6.stderr());
            assertEquals("0", sw.exec("cat", "/proc/sys/net/ipv6/conf/default/accept_dad").stdout().strip());

            // A bad step tears the whole topology down and reports iproute2's reason in one line.
            PkttraceException e = assertThrows(PkttraceException.class,
                    () -> h1.addAddress("eth0", "198.18.300.1/24"));
            assertTrue(e.getMessage().startsWith("cannot add address 198.18.300.1/24 to eth0 in " + h1.name() + ": "),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(t.isClosed());
            Set<String> after = netnsList();
            for (String n : names) {
                assertFalse(after.contains(n), n + " survived a failed step");
            }
        }
    }
}
