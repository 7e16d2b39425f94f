package io.pkttrace.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PacketEventTest {
    @Test
    void copyIsIndependentAndClearResets() throws Exception {
        PacketEvent e = new PacketEvent().family(6).protocol(58).icmpType(128).icmpId(5)
                .src(InetAddress.getByName("2001:db8::1").getAddress()).ifname("eth0").returnValue(-1)
                .drop(12, "NETFILTER_DROP").netfilter("filter", "INPUT", "DROP");
        PacketEvent c = e.copy();
        e.clear();
        assertNotSame(e.srcBytes(), c.srcBytes());
        assertEquals(InetAddress.getByName("2001:db8::1"), c.srcAddress());
        assertTrue(c.isEchoRequest());
        assertTrue(c.hasReturnValue());
        assertEquals("NETFILTER_DROP", c.dropReasonName());
        assertEquals("INPUT", c.nfChain());
        assertNull(e.srcAddress());
        assertFalse(e.hasReturnValue());
        assertEquals(-1, e.icmpType());
        assertNull(e.ifname());
    }
}
