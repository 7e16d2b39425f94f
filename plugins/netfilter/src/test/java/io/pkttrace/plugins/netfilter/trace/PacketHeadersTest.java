package io.pkttrace.plugins.netfilter.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PacketHeadersTest {
    @Test
    void ipv6UdpAndTheProtocolAfterExtensionHeaders() throws Exception {
        ByteBuffer ip6 = ByteBuffer.allocate(40);
        ip6.putInt(0x60000000).putShort((short) 16).put((byte) 0 /* hop-by-hop */).put((byte) 64)
                .put(InetAddress.getByName("2001:db8:1::2").getAddress()).put(InetAddress.getByName("2001:db8:2::2").getAddress());
        byte[] udp = ByteBuffer.allocate(8).putShort((short) 5353).putShort((short) 53).array();
        PacketEvent e = new PacketEvent();
        assertTrue(PacketHeaders.fill(e, ip6.array(), 40, udp, 8, 17));
        assertEquals(PacketEvent.FAMILY_IPV6, e.family());
        assertEquals(17, e.protocol(), "the protocol after extension headers, as the BPF record knows it");
        assertEquals(5353, e.srcPort());
        assertEquals(53, e.dstPort());
        assertEquals(InetAddress.getByName("2001:db8:2::2"), e.dstAddress());
    }

    @Test
    void aLaterFragmentHasNoPortsAndGarbageIsRefused() {
        byte[][] h = TraceMessages.icmpEcho(0x0a000001, 0x0a000002, 1, true, 1, 1);
        h[0][9] = 17;
        h[0][6] = 0x20;
        h[0][7] = 0x10; // fragment offset 16
        PacketEvent e = new PacketEvent();
        assertTrue(PacketHeaders.fill(e, h[0], 20, h[1], 20, -1));
        assertEquals(0, e.srcPort());
        assertFalse(PacketHeaders.fill(new PacketEvent(), new byte[40], 40, new byte[0], 0, -1), "version 0");
        assertFalse(PacketHeaders.fill(new PacketEvent(), h[0], 10, h[1], 0, -1), "too short");
    }
}
