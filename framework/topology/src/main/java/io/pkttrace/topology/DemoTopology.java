package io.pkttrace.topology;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.netns.NetnsNames;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo network: three namespaces, client, router and server, wired as
 *
 * <pre>
 *   client eth0 ──veth── r0 router r1 ──veth── eth0 server
 *   198.18.1.2/24        198.18.1.1 │ 198.18.2.1        198.18.2.2/24
 *   2001:db8:1::2/64  2001:db8:1::1 │ 2001:db8:2::1     2001:db8:2::2/64
 * </pre>
 *
 * Client and server route everything (IPv4 and IPv6) via the router, which forwards. Addresses come
 * only from the benchmarking range 198.18.0.0/15 and the documentation range 2001:db8::/32. Nothing
 * is pre-resolved: the first packet triggers ARP / neighbour discovery as usual. {@link #close()}
 * removes it all.
 */
public final class DemoTopology implements AutoCloseable {
    /** Interface of the client, towards the router. */
    public static final String CLIENT_IF = "eth0";
    /** Interface of the router, towards the client. */
    public static final String ROUTER_CLIENT_IF = "r0";
    /** Interface of the router, towards the server. */
    public static final String ROUTER_SERVER_IF = "r1";
    /** Interface of the server, towards the router. */
    public static final String SERVER_IF = "eth0";

    /** Client address on {@link #CLIENT_IF} (prefix length 24 / 64). */
    public static final String CLIENT_V4 = "198.18.1.2";
    public static final String CLIENT_V6 = "2001:db8:1::2";
    /** Router address on {@link #ROUTER_CLIENT_IF}; the client's gateway. */
    public static final String ROUTER_CLIENT_V4 = "198.18.1.1";
    public static final String ROUTER_CLIENT_V6 = "2001:db8:1::1";
    /** Router address on {@link #ROUTER_SERVER_IF}; the server's gateway. */
    public static final String ROUTER_SERVER_V4 = "198.18.2.1";
    public static final String ROUTER_SERVER_V6 = "2001:db8:2::1";
    /** Server address on {@link #SERVER_IF}. */
    public static final String SERVER_V4 = "198.18.2.2";
    public static final String SERVER_V6 = "2001:db8:2::2";

    private static final String V4_LEN = "/24";
    private static final String V6_LEN = "/64";

    private final Topology topology;
    private final Topology.Netns client;
    private final Topology.Netns router;
    private final Topology.Netns server;

    private DemoTopology(Topology topology, Topology.Netns client, Topology.Netns router, Topology.Netns server) {
        this.topology = topology;
        this.client = client;
        this.router = router;
        this.server = server;
    }

    /** Builds the demo with a default {@link CommandRunner}. Needs root and iproute2. */
    public static DemoTopology create() throws PkttraceException {
        return create(new CommandRunner());
    }

    /**
     * Builds the demo, running commands through {@code runner}. On failure everything already made is
     * removed before the exception is thrown.
     */
    public static DemoTopology create(CommandRunner runner) throws PkttraceException {
        return create(runner, NetnsNames.DEFAULT_ROOT);
    }

    // Visible for tests: a scripted runner plus a temporary directory standing in for /run/netns.
    static DemoTopology create(CommandRunner runner, Path netnsRoot) throws PkttraceException {
        Topology t = Topology.create(runner, netnsRoot);
        try {
            Topology.Netns client = t.netns("client");
            Topology.Netns router = t.netns("router");
            Topology.Netns server = t.netns("server");
            t.veth(client, CLIENT_IF, router, ROUTER_CLIENT_IF);
            t.veth(router, ROUTER_SERVER_IF, server, SERVER_IF);

            // Links first: a veth has carrier only when both ends are up, and gateways need their
            // on-link prefix routes, which the addresses bring.
            client.up(CLIENT_IF);
            router.up(ROUTER_CLIENT_IF).up(ROUTER_SERVER_IF);
            server.up(SERVER_IF);

            client.addAddress(CLIENT_IF, CLIENT_V4 + V4_LEN).addAddress(CLIENT_IF, CLIENT_V6 + V6_LEN);
            router.addAddress(ROUTER_CLIENT_IF, ROUTER_CLIENT_V4 + V4_LEN)
                    .addAddress(ROUTER_CLIENT_IF, ROUTER_CLIENT_V6 + V6_LEN)
                    .addAddress(ROUTER_SERVER_IF, ROUTER_SERVER_V4 + V4_LEN)
                    .addAddress(ROUTER_SERVER_IF, ROUTER_SERVER_V6 + V6_LEN)
                    .enableForwarding();
            server.addAddress(SERVER_IF, SERVER_V4 + V4_LEN).addAddress(SERVER_IF, SERVER_V6 + V6_LEN);

            client.addRoute("default", ROUTER_CLIENT_V4).addRoute("default", ROUTER_CLIENT_V6);
            server.addRoute("default", ROUTER_SERVER_V4).addRoute("default", ROUTER_SERVER_V6);
            return new DemoTopology(t, client, router, server);
        } catch (PkttraceException | RuntimeException e) {
            t.close(); // failed steps already closed it; this covers argument errors too
            throw e;
        }
    }

    /**
     * Adds a couple of firewall rules of the demo's own, so that its trace shows netfilter verdicts:
     * the router accepts forwarded ICMP and ICMPv6 with iptables (its nf_tables backend), the server
     * accepts echo requests with a native nftables table.
     */
    public DemoTopology addDemoRules() throws PkttraceException {
        router.exec("iptables", "-A", "FORWARD", "-p", "icmp", "-j", "ACCEPT");
        router.exec("ip6tables", "-A", "FORWARD", "-p", "ipv6-icmp", "-j", "ACCEPT");
        server.exec("nft", "add table inet demo\n"
                + "add chain inet demo input { type filter hook input priority 0; policy accept; }\n"
                + "add rule inet demo input icmp type echo-request accept\n"
                + "add rule inet demo input icmpv6 type echo-request accept");
        return this;
    }

    /** The underlying topology, e.g. to add more namespaces. */
    public Topology topology() {
        return topology;
    }

    public Topology.Netns client() {
        return client;
    }

    public Topology.Netns router() {
        return router;
    }

    public Topology.Netns server() {
        return server;
    }

    /** Full name of the client namespace, as {@code ip netns list} shows it. */
    public String clientName() {
        return client.name();
    }

    public String routerName() {
        return router.name();
    }

    public String serverName() {
        return server.name();
    }

    /** Namespace names in the order client, router, server. */
    public List<String> namespaceNames() {
        return List.of(client.name(), router.name(), server.name());
    }

    /** Inode of the client namespace (what traces report as its netns). */
    public long clientInode() throws PkttraceException {
        return client.inode();
    }

    public long routerInode() throws PkttraceException {
        return router.inode();
    }

    public long serverInode() throws PkttraceException {
        return server.inode();
    }

    /** Deletes the three namespaces and with them all interfaces. Never throws. */
    @Override
    public void close() {
        topology.close();
    }
}
