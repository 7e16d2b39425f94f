package io.pkttrace.it;

import static io.pkttrace.it.FlowBlocks.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.topology.Topology;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flow sink follows a packet into and out of a VXLAN tunnel: namespaces a and b joined by a veth
 * underlay (198.19.85.1 and .2), each with a VXLAN device vx0 (VNI 42, UDP 4789) for the overlay
 * 198.19.86.0/24. The kernel keeps one sk_buff from the overlay transmit to the overlay receive: the
 * ping's request is one packet, inner -> outer -> inner, with the encapsulation and decapsulation shown.
 */
class VxlanFlowIT extends WithTopology {
    static Topology.Netns a;
    static Topology.Netns b;

    @BeforeAll
    static void tunnel() throws Exception {
        a = topo.netns("a");
        b = topo.netns("b");
        topo.veth(a, "eth0", b, "eth0");
        int n = 1;
        for (Topology.Netns ns : List.of(a, b)) {
            String self = "198.19.85." + n;
            String peer = "198.19.85." + (3 - n);
            ns.addAddress("eth0", self + "/24").up("eth0");
            ns.exec("ip", "link", "add", "vx0", "type", "vxlan", "id", "42", "local", self, "remote", peer, "dstport", "4789", "dev", "eth0");
            ns.addAddress("vx0", "198.19.86." + n + "/24").up("vx0");
            n++;
        }
    }

    @Test
    void aTunnelledPingIsOnePacketInnerOuterInnerAndItsReplyToo() throws Exception {
        // No fixed window for the ping to fit in (a slow machine): Ctrl-C once it is done.
        Cli.Result res;
        try (BackgroundTrace trace = new BackgroundTrace("trace", "--probe", "netpath:hooks=tx,rx,drop,consume",
                "-a", "either=198.19.84.0/22", "--sink", "flow")) {
            trace.awaitTracing();
            a.exec("ping", "-c", "1", "-W", "10", "198.19.86.2");
            res = trace.stopWithCtrlC();
        }
        List<FlowBlocks.Block> blocks = FlowBlocks.parse(res.out());
        FlowBlocks.Block req = FlowBlocks.only(blocks, "#\\d+ request 198\\.19\\.86\\.1 -> 198\\.19\\.86\\.2 id \\d+ seq 1: 5 hops in .*, consumed.*",
                res.out());
        assertEquals(List.of(at(a.name(), "vx0", "tx"), at(a.name(), "eth0", "tx"), at(b.name(), "eth0", "rx"), at(b.name(), "vx0", "rx"),
                at(b.name(), "vx0", "consume")), req.places(), res.out());
        assertTrue(req.hops().get(1).details().matches("encapsulated: udp 198\\.19\\.85\\.1:\\d+ -> 198\\.19\\.85\\.2:4789"), res.out());
        assertTrue(req.hops().get(3).details().matches("decapsulated: request 198\\.19\\.86\\.1 -> 198\\.19\\.86\\.2 id \\d+ seq 1"), res.out());
        FlowBlocks.Block rep = FlowBlocks.only(blocks, "#\\d+ reply 198\\.19\\.86\\.2 -> 198\\.19\\.86\\.1 id \\d+ seq 1: \\d+ hops in .*; reply to #"
                + FlowBlocks.number(req) + " after .*", res.out());
        assertEquals(List.of(at(b.name(), "vx0", "tx"), at(b.name(), "eth0", "tx"), at(a.name(), "eth0", "rx"), at(a.name(), "vx0", "rx")),
                rep.places().subList(0, 4), res.out());
        assertTrue(rep.hops().get(1).details().matches("encapsulated: udp 198\\.19\\.85\\.2:\\d+ -> 198\\.19\\.85\\.1:4789"), res.out());
    }
}
