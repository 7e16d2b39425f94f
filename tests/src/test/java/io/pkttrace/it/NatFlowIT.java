package io.pkttrace.it;

import static io.pkttrace.it.FlowBlocks.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.topology.DemoTopology;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flow sink follows a packet through NAT: the router of the demo topology masquerades what leaves
 * r1 (IPv4 and IPv6), so the server sees the router's address. Each ping's request is one packet
 * whose r1 hop shows the translated tuple (after the verdict of the masquerading chain, from the
 * netfilter probe ping runs too), and its reply is one packet, de-translated at r0 and paired with the
 * request.
 */
class NatFlowIT extends WithDemoTopology {
    @BeforeAll
    static void masquerade() throws Exception {
        for (String family : List.of("ip", "ip6")) {
            topo.router().exec("nft", "add table " + family + " ptnat; add chain " + family
                    + " ptnat post { type nat hook postrouting priority 100; }; add rule " + family + " ptnat post oifname \"r1\" masquerade");
        }
    }

    private void pingIsFollowedThroughNat(String client, String server, String routerOut, String family) throws Exception {
        Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-c", "1", family, "--sink", "flow", server);
        assertEquals(0, res.exit(), res.toString());
        List<FlowBlocks.Block> blocks = FlowBlocks.parse(res.out());
        assertEquals(2, blocks.size(), "one packet each way: " + res);
        String c = topo.clientName();
        String r = topo.routerName();
        String s = topo.serverName();
        // ping runs the netfilter probe too: the request's hops include the verdict of the masquerading chain.
        FlowBlocks.Block req = FlowBlocks.only(blocks, "#\\d+ request " + client + " -> " + server + " id \\d+ seq 1: 5 hops in .*", res.out());
        assertEquals(List.of(at(c, "eth0", "tx"), at(r, "r0", "rx"), at(r, "r1", "postrouting"), at(r, "r1", "tx"), at(s, "eth0", "rx")),
                req.places(), res.out());
        assertTrue(req.hops().get(2).details().matches("ptnat\\.post :ACCEPT +ip6? rule \\d+: oifname \"r1\" masquerade"), res.out());
        assertTrue(req.hops().get(3).details().matches("NAT: request " + routerOut + " -> " + server + " id \\d+ seq 1"), res.out());
        FlowBlocks.Block rep = FlowBlocks.only(blocks, "#\\d+ reply " + server + " -> " + routerOut + " id \\d+ seq 1: 4 hops in .*; reply to #"
                + FlowBlocks.number(req) + " after .*", res.out());
        assertEquals(List.of(at(s, "eth0", "tx"), at(r, "r1", "rx"), at(r, "r0", "tx"), at(c, "eth0", "rx")), rep.places(), res.out());
        assertTrue(rep.hops().get(2).details().matches("NAT: reply " + server + " -> " + client + " id \\d+ seq 1"), res.out());
        assertTrue(res.out().endsWith("flow: 2 packets, 1 reply paired with a request, 0 evicted\n"), res.out());
        assertTrue(!res.out().contains("reused"), res.out());
    }

    @Test
    void aMasqueradedIpv4PingIsOnePacketEachWayPairedAcrossNat() throws Exception {
        pingIsFollowedThroughNat(DemoTopology.CLIENT_V4, DemoTopology.SERVER_V4, DemoTopology.ROUTER_SERVER_V4, "-4");
    }

    @Test
    void aMasqueradedIpv6PingIsOnePacketEachWayPairedAcrossNat() throws Exception {
        pingIsFollowedThroughNat(DemoTopology.CLIENT_V6, DemoTopology.SERVER_V6, DemoTopology.ROUTER_SERVER_V6, "-6");
    }

    @Test
    void whenMasqueradeAlsoRewritesTheEchoIdThePacketIsStillOneAndPaired() throws Exception {
        // The router's own ping to the server holds echo id 4242 from the router's address, so the
        // client's ping with the same id leaves the router with another one.
        Process router = new ProcessBuilder("ip", "netns", "exec", topo.routerName(), "ping", "-q", "-e", "4242", "-c", "2400",
                "-i", "0.05", DemoTopology.SERVER_V4).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // No fixed window for the ping to fit in (a slow machine): Ctrl-C once it is done.
            Cli.Result res;
            try (BackgroundTrace trace = new BackgroundTrace("trace", "-a", "either=" + DemoTopology.CLIENT_V4,
                    "-a", "either=" + DemoTopology.ROUTER_SERVER_V4, "--sink", "flow")) {
                trace.awaitTracing();
                topo.client().exec("ping", "-e", "4242", "-c", "1", "-W", "10", DemoTopology.SERVER_V4);
                res = trace.stopWithCtrlC();
            }
            List<FlowBlocks.Block> blocks = FlowBlocks.parse(res.out());
            FlowBlocks.Block req = FlowBlocks.only(blocks, "#\\d+ request " + DemoTopology.CLIENT_V4 + " -> " + DemoTopology.SERVER_V4
                    + " id 4242 seq 1: 4 hops in .*", res.out());
            String nat = req.hops().get(2).details();
            assertTrue(nat.matches("NAT: request " + DemoTopology.ROUTER_SERVER_V4 + " -> " + DemoTopology.SERVER_V4 + " id \\d+ seq 1")
                    && !nat.contains("id 4242 "), "the id was rewritten: " + res.out());
            String id = nat.replaceAll(".* id (\\d+) seq 1", "$1");
            FlowBlocks.only(blocks, "#\\d+ reply " + DemoTopology.SERVER_V4 + " -> " + DemoTopology.ROUTER_SERVER_V4 + " id " + id
                    + " seq 1: \\d+ hops in .*; reply to #" + FlowBlocks.number(req) + " after .*", res.out());
        } finally {
            router.destroy();
            router.waitFor();
        }
    }
}
