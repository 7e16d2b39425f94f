package io.pkttrace.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
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

    @Test
    void callOuterHeaderAndAttributesAreCopiedAndCleared() throws Exception {
        PacketEvent e = new PacketEvent().call(PacketEvent.CALL_RETURN, 3).durationNs(1200).returnValue(2)
                .returnValueName("FLOW_HOLD").parentPacketId(7).kernelFiltered(true).outerFamily(4)
                .outerProtocol(17).outerPorts(53363, 6635).encap("mpls-udp")
                .attr("vif", PacketEvent.AttrKind.NUMBER, 5).attr("eth_src", PacketEvent.AttrKind.MAC, 0x021b21bbf948L)
                .attr("arp_spa", PacketEvent.AttrKind.IPV4, 0x01010103L).attr("vp_flags", PacketEvent.AttrKind.HEX, 0x40)
                .attr("vp_type", "IP");
        System.arraycopy(InetAddress.getByName("8.0.0.2").getAddress(), 0, e.outerSrcBytes(), 0, 4);
        PacketEvent c = e.copy();
        e.clear();
        assertEquals(PacketEvent.CALL_RETURN, c.call());
        assertEquals(3, c.callDepth());
        assertEquals("FLOW_HOLD", c.returnValueName());
        assertEquals(7, c.parentPacketId());
        assertTrue(c.kernelFiltered());
        assertEquals(8, c.outerSrcBytes()[0]);
        assertEquals(6635, c.outerDstPort());
        assertEquals("mpls-udp", c.encap());
        assertEquals(5, c.attrCount());
        assertEquals("5", c.formatAttr(c.attrIndex("vif")));
        assertEquals("02:1b:21:bb:f9:48", c.formatAttr(1));
        assertEquals("1.1.1.3", c.formatAttr(2));
        assertEquals("0x40", c.formatAttr(3));
        assertEquals("IP", c.formatAttr(4));
        assertEquals(-1, c.attrIndex("nh"));
        assertEquals(0, e.attrCount());
        assertEquals(PacketEvent.CALL_NONE, e.call());
        assertEquals(PacketEvent.FAMILY_NONE, e.outerFamily());
        assertEquals(0, e.outerSrcBytes()[0]);
        assertFalse(e.kernelFiltered());
        assertNull(e.encap());
    }

    @Test
    void attributesBeyondTheLimitAreIgnored() {
        PacketEvent e = new PacketEvent();
        for (int i = 0; i < PacketEvent.MAX_ATTRS + 5; i++) {
            e.attr("a" + i, PacketEvent.AttrKind.NUMBER, i);
        }
        assertEquals(PacketEvent.MAX_ATTRS, e.attrCount());
        assertEquals("a0", e.attrName(0));
    }

    @Test
    void copyFromIntoAUsedEventKeepsNothingOfItsOwn() {
        PacketEvent used = new PacketEvent().attr("a", "x").attr("b", "y").attr("c", PacketEvent.AttrKind.HEX, 1)
                .call(PacketEvent.CALL_ENTRY, 2).nfRule(3, "accept", false).encap("vxlan");
        PacketEvent o = new PacketEvent().attr("z", "w").netfilter("filter", "INPUT", "ACCEPT");
        used.copyFrom(o);
        assertEquals(1, used.attrCount());
        assertEquals("w", used.attrText(0));
        assertEquals(PacketEvent.CALL_NONE, used.call());
        assertEquals(-1, used.nfRuleHandle());
        assertNull(used.encap());
        assertEquals("INPUT", used.nfChain());
    }

    /**
     * clear() resets the rarely set fields only when one was set: after any single setter (or a
     * fill-in-place getter), a cleared event must read exactly like a new one, through every getter.
     */
    @Test
    void clearAfterAnySingleSetterLeavesANewEvent() throws Exception {
        List<Consumer<PacketEvent>> setters = List.of(
                e -> e.srcBytes()[3] = 1, e -> e.dstBytes()[15] = 1, e -> e.src(new byte[] {1, 2, 3, 4}),
                e -> e.dst(new byte[] {1, 2, 3, 4}), e -> e.netfilter("t", "c", "ACCEPT"), e -> e.nfFamily("ip"),
                e -> e.nfTarget("x"), e -> e.nfPolicy(true), e -> e.nfRule(4, "accept", true), e -> e.drop(2, "X"),
                e -> e.call(PacketEvent.CALL_ENTRY, 1), e -> e.durationNs(5), e -> e.returnValueName("OK"),
                e -> e.parentPacketId(9), e -> e.kernelFiltered(true), e -> e.outerFamily(4),
                e -> e.outerSrcBytes()[0] = 8, e -> e.outerDstBytes()[0] = 8, e -> e.outerProtocol(17),
                e -> e.outerPorts(1, 2), e -> e.encap("vxlan"), e -> e.attr("a", PacketEvent.AttrKind.HEX, 1),
                e -> e.attr("b", "t"), e -> e.packetBytes(new byte[] {1, 2}, 0, 2), e -> e.returnValue(3),
                e -> e.copyFrom(new PacketEvent().encap("gre").attr("c", "d").src(new byte[] {9, 9, 9, 9})));
        PacketEvent fresh = new PacketEvent();
        PacketEvent reused = new PacketEvent();
        for (int i = 0; i < setters.size(); i++) {
            setters.get(i).accept(reused.clear());
            reused.clear();
            assertSameState(fresh, reused, "setter " + i);
        }
    }

    private static void assertSameState(PacketEvent expected, PacketEvent actual, String what) throws Exception {
        Set<String> notState = Set.of("clear", "copy", "toString", "hashCode", "getClass", "srcAddress", "dstAddress",
                "packetBytes");
        List<String> checked = new ArrayList<>();
        for (Method m : PacketEvent.class.getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getReturnType() == void.class
                    || notState.contains(m.getName())) {
                continue;
            }
            Object a = m.invoke(expected);
            Object b = m.invoke(actual);
            if (a instanceof byte[] x) {
                assertTrue(Arrays.equals(x, (byte[]) b), what + ": " + m.getName());
            } else {
                assertEquals(a, b, what + ": " + m.getName());
            }
            checked.add(m.getName());
        }
        assertTrue(checked.containsAll(List.of("nfRule", "outerSrcBytes", "encap", "attrCount", "packetBytesLength",
                "srcBytes", "kernelFiltered")), "the getters were found: " + checked);
    }
}
