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

    @Test
    void netfilterFieldsAreCopiedAndCleared() {
        PacketEvent e = new PacketEvent().netfilter("filter", "FORWARD", "JUMP").nfFamily("ip").nfTarget("PTCHK")
                .nfPolicy(true).nfRule(7, "meta l4proto icmp counter jump PTCHK", true);
        PacketEvent c = new PacketEvent().copyFrom(e);
        assertEquals("ip", c.nfFamily());
        assertEquals("PTCHK", c.nfTarget());
        assertTrue(c.nfPolicy());
        assertEquals(7, c.nfRuleHandle());
        assertEquals("meta l4proto icmp counter jump PTCHK", c.nfRule());
        assertTrue(c.nfRuleStale());
        e.clear();
        assertNull(e.nfFamily());
        assertNull(e.nfTarget());
        assertFalse(e.nfPolicy());
        assertEquals(-1, e.nfRuleHandle());
        assertNull(e.nfRule());
        assertFalse(e.nfRuleStale());
        assertEquals("FORWARD", c.nfChain(), "the copy is independent");
    }
}
