package io.pkttrace.plugins.netpath.stacked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rtnetlink link dump codec on messages laid out as the kernel sends them. */
class LinkMessagesTest {
    private static byte[] attr(int type, byte[] payload) {
        int len = 4 + payload.length;
        ByteBuffer b = ByteBuffer.allocate((len + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putShort((short) len).putShort((short) type).put(payload);
        return b.array();
    }

    private static byte[] str(String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[raw.length + 1];
        System.arraycopy(raw, 0, z, 0, raw.length);
        return z;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static byte[] message(int type, int seq, byte[] body) {
        int len = 16 + body.length;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort((short) type).putShort((short) LinkMessages.NLM_F_MULTI).putInt(seq).putInt(4242).put(body);
        return b.array();
    }

    /** RTM_NEWLINK: ifinfomsg, IFLA_MTU (ignored), IFLA_IFNAME, IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA }. */
    private static byte[] newlink(int seq, int ifindex, String name, String kind) {
        ByteBuffer ifi = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        ifi.put((byte) 0).put((byte) 0).putShort((short) 1).putInt(ifindex).putInt(0x1003).putInt(0);
        byte[] linkinfo = kind == null ? new byte[0]
                : attr(LinkMessages.IFLA_LINKINFO | 0x8000 /* NLA_F_NESTED */, concat(attr(LinkMessages.IFLA_INFO_KIND, str(kind)),
                        attr(2 /* IFLA_INFO_DATA */, new byte[] {5, 0, 0, 0})));
        return message(LinkMessages.RTM_NEWLINK, seq, concat(ifi.array(), attr(4 /* IFLA_MTU */, new byte[] {(byte) 0xdc, 5, 0, 0}),
                attr(LinkMessages.IFLA_IFNAME, str(name)), linkinfo));
    }

    private static List<Link> parse(byte[] datagram, int seq, LinkMessages.Outcome expected) {
        List<Link> out = new ArrayList<>();
        assertEquals(expected, LinkMessages.parse(ByteBuffer.wrap(datagram), seq, out));
        return out;
    }

    @Test
    void readsNameIndexAndKindOfEachDevice() {
        byte[] first = concat(newlink(7, 1, "lo", null), newlink(7, 2, "eth0", "veth"), newlink(7, 3, "eth0.5", "vlan"));
        assertEquals(List.of(new Link(1, "lo", ""), new Link(2, "eth0", "veth"), new Link(3, "eth0.5", "vlan")),
                parse(first, 7, LinkMessages.Outcome.MORE));
        byte[] second = concat(newlink(7, 4, "bond0", "bond"), newlink(6, 9, "stale", "macvlan"),
                message(LinkMessages.NLMSG_DONE, 7, new byte[4]));
        assertEquals(List.of(new Link(4, "bond0", "bond")), parse(second, 7, LinkMessages.Outcome.DONE),
                "answers to another request are ignored; DONE ends the dump");
    }

    @Test
    void theDumpRequestAsksForEveryLinkWithoutStatistics() {
        ByteBuffer r = LinkMessages.dumpRequest(9).order(ByteOrder.nativeOrder());
        assertEquals(40, r.remaining());
        assertEquals(40, r.getInt(0));
        assertEquals(LinkMessages.RTM_GETLINK, r.getShort(4));
        assertEquals(LinkMessages.NLM_F_REQUEST | LinkMessages.NLM_F_DUMP, r.getShort(6));
        assertEquals(9, r.getInt(8));
        assertEquals(LinkMessages.IFLA_EXT_MASK, r.getShort(34));
        assertEquals(LinkMessages.RTEXT_FILTER_SKIP_STATS, r.getInt(36));
    }

    @Test
    void malformedMessagesAndErrorsAreRefusedNotReadPastTheirEnd() {
        byte[] ok = newlink(1, 2, "eth0", "veth");
        byte[] overlong = ok.clone();
        ByteBuffer.wrap(overlong).order(ByteOrder.nativeOrder()).putInt(0, ok.length + 64);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(overlong, 1, LinkMessages.Outcome.MORE))
                .getMessage().startsWith("netlink message of length"));
        byte[] badAttr = ok.clone();
        ByteBuffer.wrap(badAttr).order(ByteOrder.nativeOrder()).putShort(32, (short) 200); // first attribute's length
        assertThrows(IllegalArgumentException.class, () -> parse(badAttr, 1, LinkMessages.Outcome.MORE));
        ByteBuffer err = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(-1);
        assertEquals("the kernel refused the link dump (errno 1)", assertThrows(IllegalArgumentException.class,
                () -> parse(message(LinkMessages.NLMSG_ERROR, 1, err.array()), 1, LinkMessages.Outcome.MORE)).getMessage());
        assertEquals(List.of(), parse(new byte[10], 1, LinkMessages.Outcome.MORE), "a runt tail holds no message");
    }

    @Test
    void stackedKindsAreThoseReceivedInAnotherRound() {
        for (String k : List.of("macvlan", "ipvlan", "vlan", "bond", "team")) {
            assertTrue(StackedRxTaps.STACKED_KINDS.contains(k), k);
        }
        for (String k : List.of("veth", "bridge", "vxlan", "", "dummy")) {
            assertTrue(!StackedRxTaps.STACKED_KINDS.contains(k), k + " receives through netif_receive_skb");
        }
    }

    @Test
    void deviceNamesAreReportedWithoutControlCharacters() {
        assertEquals("mv?[2Jx", StackedRxTaps.printable("mv\u001b[2Jx"));
        assertEquals("eth0.5", StackedRxTaps.printable("eth0.5"));
    }
}
