package io.pkttrace.plugins.netfilter.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NfNetlinkDecoderTest {
    private final List<TraceMessage> traces = new ArrayList<>();
    private final List<String> changes = new ArrayList<>();
    private final NfNetlinkDecoder decoder = new NfNetlinkDecoder();
    private final NfNetlinkDecoder.Handler handler = new NfNetlinkDecoder.Handler() {
        @Override
        public void trace(TraceMessage m) {
            traces.add(new TraceMessage().copyFrom(m));
        }

        @Override
        public void rulesetChanged(int msgType, int family, String table) {
            changes.add(msgType + " " + NfNetlink.familyName(family) + " " + table);
        }
    };

    @Test
    void aRuleVerdictWithJumpTargetHandleAndHeaders() {
        byte[][] h = TraceMessages.icmpEcho(0xc6120102, 0xc6120202, 77, true, 7, 1);
        ByteBuffer d = new TraceMessages().trace(NfNetlink.NFPROTO_IPV4, "filter", "FORWARD", NfNetlink.NFT_TRACETYPE_RULE, 4,
                NfNetlink.NFT_JUMP, "PTCHK", 0x66cf0373, NfNetlink.NFPROTO_IPV4, h[0], h[1]).datagram();
        decoder.decode(d, handler);
        assertEquals(1, traces.size());
        TraceMessage m = traces.get(0);
        assertEquals("filter", m.table);
        assertEquals("FORWARD", m.chain);
        assertEquals(4, m.ruleHandle);
        assertEquals(NfNetlink.NFT_TRACETYPE_RULE, m.type);
        assertEquals(NfNetlink.NFT_JUMP, m.verdict);
        assertEquals("JUMP", NfNetlink.verdictName(m.verdict));
        assertEquals("PTCHK", m.target);
        assertEquals(0x66cf0373, m.id);
        assertEquals(NfNetlink.NFPROTO_IPV4, m.nfproto);
        assertEquals(2, m.iif);
        assertEquals(20, m.networkHeaderLength);
        assertArrayEquals(h[0], Arrays.copyOf(m.networkHeader, 20));
        assertEquals(20, m.transportHeaderLength);
        PacketEvent e = new PacketEvent();
        assertTrue(PacketHeaders.fill(e, m.networkHeader, m.networkHeaderLength, m.transportHeader, m.transportHeaderLength, -1));
        assertTrue(e.isEchoRequest());
        assertEquals(7, e.icmpId());
        assertEquals(1, e.icmpSeq());
        assertEquals("198.18.1.2", e.srcAddress().getHostAddress());
    }

    @Test
    void aPolicyMessageWithoutHeadersAndSeveralMessagesInOneDatagram() {
        TraceMessages t = new TraceMessages();
        t.trace(NfNetlink.NFPROTO_INET, "ptsrv", "output", NfNetlink.NFT_TRACETYPE_POLICY, -1, null, null, 9,
                NfNetlink.NFPROTO_IPV6, null, null);
        t.begin(NfNetlink.NFT_MSG_NEWTABLE, NfNetlink.NFPROTO_INET).string(NfNetlink.NFTA_TABLE_NAME, "fw").end();
        t.begin(NfNetlink.NFT_MSG_NEWGEN, 0).end();
        decoder.decode(t.datagram(), handler);
        assertEquals(1, traces.size());
        TraceMessage m = traces.get(0);
        assertEquals(-1, m.ruleHandle);
        assertEquals(NfNetlink.NF_ACCEPT, m.policy);
        assertEquals("inet", NfNetlink.familyName(m.tableFamily));
        assertEquals(0, m.networkHeaderLength);
        assertNull(m.target);
        assertEquals(List.of("0 inet fw", "15 family0 null"), changes);
        assertEquals(0, decoder.malformed());
    }

    @Test
    void truncatedOrCorruptInputIsCountedNeverTrusted() {
        byte[][] h = TraceMessages.icmpEcho(1, 2, 3, true, 4, 5);
        ByteBuffer good = new TraceMessages().trace(NfNetlink.NFPROTO_IPV4, "filter", "INPUT", NfNetlink.NFT_TRACETYPE_RULE, 2,
                NfNetlink.NF_ACCEPT, null, 1, NfNetlink.NFPROTO_IPV4, h[0], h[1]).datagram();
        byte[] all = new byte[good.remaining()];
        good.get(all);
        Random r = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            byte[] bad = Arrays.copyOf(all, 1 + r.nextInt(all.length));
            int flips = r.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            }
            decoder.decode(ByteBuffer.wrap(bad).order(java.nio.ByteOrder.nativeOrder()), handler);
        }
        // Whatever came through has a table, a chain and a type: the decoder's contract.
        for (TraceMessage m : traces) {
            assertTrue(m.table != null && m.chain != null && m.type != 0, m.toString());
        }
        assertTrue(decoder.malformed() > 0, "corrupt messages are counted");
    }
}
