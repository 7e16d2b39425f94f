package io.pkttrace.plugins.netfilter.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.plugins.netfilter.correlate.HookRecords;
import io.pkttrace.plugins.netfilter.trace.TraceMessages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Verdict records of the fexit/kretprobe programs become events; hook records feed the correlator only. */
class NfRecordDecoderTest {
    private static ByteBuffer record(int kind, int hook, long verdict, String table, String chain) {
        byte[][] h = TraceMessages.icmpEcho(0xc6120102, 0xc6120202, 5, true, 9, 3);
        ByteBuffer b = ByteBuffer.allocate(NfRecord.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(NfRecord.TS_NS, 123).putLong(NfRecord.SKB, 0xffff888012345678L).putLong(NfRecord.VERDICT, verdict)
                .putInt(NfRecord.NETNS, 4026531833L > Integer.MAX_VALUE ? (int) 4026531833L : 0).putInt(NfRecord.OUT_IFINDEX, 3)
                .put(NfRecord.KIND, (byte) kind).put(NfRecord.PF, (byte) 2).put(NfRecord.HOOK, (byte) hook)
                .put(NfRecord.NH_LEN, (byte) 20).put(NfRecord.TH_LEN, (byte) 20).put(NfRecord.TH_READ, (byte) 20)
                .put(NfRecord.TABLE_FAMILY, (byte) 1).put(NfRecord.L4PROTO, (byte) 1);
        b.put(NfRecord.OUT_NAME, "eth1".getBytes(StandardCharsets.US_ASCII)).put(NfRecord.NH, h[0]).put(NfRecord.TH, h[1]);
        if (table != null) {
            b.put(NfRecord.TABLE, table.getBytes(StandardCharsets.US_ASCII));
        }
        if (chain != null) {
            b.put(NfRecord.CHAIN, chain.getBytes(StandardCharsets.US_ASCII));
        }
        return b;
    }

    @Test
    void anNftChainVerdictFromFexitOrKretprobe() {
        PacketEvent e = new PacketEvent();
        assertTrue(new NfRecordDecoder(new HookRecords()).decode(record(NfRecord.KIND_NFT_VERDICT, 4, 0, "fw", "post"), 0,
                NfRecord.SIZE, e));
        assertEquals("postrouting", e.hook());
        assertEquals("fw", e.nfTable());
        assertEquals("post", e.nfChain());
        assertEquals("DROP", e.nfVerdict());
        assertEquals("inet", e.nfFamily());
        assertEquals(-1, e.nfRuleHandle(), "these programs do not know the rule");
        assertEquals("eth1", e.ifname());
        assertEquals(0xffff888012345678L, e.packetId());
        assertEquals(4026531833L, e.netnsInode());
        assertEquals(9, e.icmpId());
    }

    @Test
    void aLegacyIptablesVerdictNamesTheHookAsChain() {
        PacketEvent e = new PacketEvent();
        assertTrue(new NfRecordDecoder(new HookRecords()).decode(record(NfRecord.KIND_XT_VERDICT, 3, 1, "filter", null), 0,
                NfRecord.SIZE, e));
        assertEquals("filter", e.nfTable());
        assertEquals("OUTPUT", e.nfChain());
        assertEquals("ACCEPT", e.nfVerdict());
        assertEquals("ip", e.nfFamily());
    }

    @Test
    void aHookRecordIsNoEventAndAShortRecordIsRefused() {
        HookRecords records = new HookRecords();
        NfRecordDecoder d = new NfRecordDecoder(records);
        assertFalse(d.decode(record(NfRecord.KIND_HOOK, 1, -1, null, null), 0, NfRecord.SIZE, new PacketEvent()));
        assertTrue(records.watermark() == 123, "the hook record went to the correlator");
        assertFalse(d.decode(record(NfRecord.KIND_NFT_VERDICT, 1, 1, "t", "c"), 0, NfRecord.SIZE - 1, new PacketEvent()));
    }
}
