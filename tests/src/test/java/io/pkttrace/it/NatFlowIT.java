package io.pkttrace.it;

import static io.pkttrace.it.FlowBlocks.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.netns.DemoTopology;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flow sink follows a packet through NAT: the router of the demo topology masquerades what leaves
 * r1 (IPv4 and IPv6), so the server sees the router's address. Each ping's request is one packet
 * whose r1 hop shows the translated tuple, and its reply is one packet, de-translated at r0 and paired
 * with the request.
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
        FlowBlocks.Block req = FlowBlocks.only(blocks, "#\\d+ request " + client + " -> " + server + " id \\d+ seq 1: 4 hops in .*", res.out());
        assertEquals(List.of(at(c, "eth0", "tx"), at(r, "r0", "rx"), at(r, "r1", "tx"), at(s, "eth0", "rx")), req.places(), res.out());
        assertTrue(req.hops().get(2).details().matches("NAT: request " + routerOut + " -> " + server + " id \\d+ seq 1"), res.out());
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
}
