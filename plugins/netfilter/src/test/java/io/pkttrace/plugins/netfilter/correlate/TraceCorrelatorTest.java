package io.pkttrace.plugins.netfilter.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.plugins.netfilter.bpf.NfRecord;
import io.pkttrace.plugins.netfilter.nft.Ruleset;
import io.pkttrace.plugins.netfilter.nft.RulesetTest;
import io.pkttrace.plugins.netfilter.trace.NfNetlink;
import io.pkttrace.plugins.netfilter.trace.TraceMessage;
import io.pkttrace.plugins.netfilter.trace.TraceMessages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The correlation logic alone: records and messages in chosen orders, without a kernel. */
class TraceCorrelatorTest {
    static final String OWN = "pkttrace_1_abcd";
    static final long NS = 4026532246L;
    static final int CLIENT = 0xc6120102;
    static final int SERVER = 0xc6120202;

    private HookRecords records;
    private TraceCorrelator correlator;
    private NsTrace ns;
    private final List<PacketEvent> out = new ArrayList<>();
    private int refreshes;

    @BeforeEach
    void setUp() {
        records = new HookRecords();
        correlator = new TraceCorrelator(OWN, false, records, true, n -> refreshes++);
        ns = new NsTrace(NS, Path.of("/run/netns/x"), NS + " (x)", null);
        ns.publish(Ruleset.parse(RULES), 0);
    }

    /** INPUT: rule 5 jumps to MYCH, rule 2 accepts ICMP; MYCH: rule 4 returns ICMP. */
    static final String RULES = RulesetTest.LISTING;


    /** A hook-entry record as the BPF program writes it. */
    static ByteBuffer record(long ts, long skb, int hook, byte[] nh, byte[] th) {
        ByteBuffer b = ByteBuffer.allocate(NfRecord.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(NfRecord.TS_NS, ts).putLong(NfRecord.SKB, skb).putLong(NfRecord.VERDICT, -1).putInt(NfRecord.NETNS, (int) NS)
                .putInt(NfRecord.IN_IFINDEX, 2).putInt(NfRecord.LEN, 84).put(NfRecord.KIND, (byte) NfRecord.KIND_HOOK)
                .put(NfRecord.PF, (byte) NfNetlink.NFPROTO_IPV4).put(NfRecord.HOOK, (byte) hook)
                .put(NfRecord.NH_LEN, (byte) nh.length).put(NfRecord.TH_LEN, (byte) th.length).put(NfRecord.TH_READ, (byte) th.length)
                .put(NfRecord.L4PROTO, (byte) 1);
        b.put(NfRecord.IN_NAME, "eth0".getBytes(StandardCharsets.US_ASCII));
        b.put(NfRecord.NH, nh).put(NfRecord.TH, th);
        return b;
    }

    private TraceMessage message(String table, String chain, int type, long handle, Integer verdict, String target, int id, byte[][] h) {
        TraceMessage m = new TraceMessage();
        new io.pkttrace.plugins.netfilter.trace.NfNetlinkDecoder().decode(new TraceMessages()
                .trace(table.equals(OWN) ? NfNetlink.NFPROTO_INET : NfNetlink.NFPROTO_IPV4, table, chain, type, handle, verdict,
                        target, id, NfNetlink.NFPROTO_IPV4, h == null ? null : h[0], h == null ? null : h[1]).datagram(),
                new io.pkttrace.plugins.netfilter.trace.NfNetlinkDecoder.Handler() {
                    @Override
                    public void trace(TraceMessage t) {
                        m.copyFrom(t);
                    }

                    @Override
                    public void rulesetChanged(int msgType, int family, String t) {
                    }
                });
        return m;
    }

    private void anchor(int id, byte[][] h, long at) {
        correlator.offer(ns, message(OWN, "input", NfNetlink.NFT_TRACETYPE_RULE, 6, NfNetlink.NF_ACCEPT, null, id, h), at);
    }

    private void inputChain(int id, byte[][] h, long at) {
        correlator.offer(ns, message("filter", "INPUT", NfNetlink.NFT_TRACETYPE_RULE, 5, NfNetlink.NFT_JUMP, "MYCH", id, h), at);
        correlator.offer(ns, message("filter", "MYCH", NfNetlink.NFT_TRACETYPE_RULE, 4, NfNetlink.NFT_RETURN, null, id, null), at);
        correlator.offer(ns, message("filter", "INPUT", NfNetlink.NFT_TRACETYPE_RULE, 2, NfNetlink.NF_ACCEPT, null, id, null), at);
    }

    private int process(long now) {
        return correlator.process(ns, now, false, e -> out.add(e.copy()));
    }

    @Test
    void aHookPassGetsThePacketIdTimeAndDeviceOfItsRecordAndEveryChainItsRule() {
        byte[][] h = TraceMessages.icmpEcho(CLIENT, SERVER, 100, true, 7, 1);
        records.add(record(1_000, 0xffff0001L, NfNetlink.NF_INET_LOCAL_IN, h[0], h[1]), 0, NfRecord.SIZE);
        anchor(0x1234, h, 5_000);
        inputChain(0x1234, h, 5_000);
        assertEquals(3, process(5_000));
        assertEquals(List.of("JUMP", "RETURN", "ACCEPT"), out.stream().map(PacketEvent::nfVerdict).toList());
        PacketEvent jump = out.get(0);
        assertEquals(0xffff0001L, jump.packetId());
        assertEquals(1_000, jump.timestampNs(), "the hook-entry time, not the time of reading");
        assertEquals("input", jump.hook());
        assertEquals("eth0", jump.ifname());
        assertEquals(NS, jump.netnsInode());
        assertEquals("MYCH", jump.nfTarget());
        assertEquals("counter jump MYCH", jump.nfRule());
        assertEquals("ip", jump.nfFamily());
        assertEquals(7, jump.icmpId());
        assertEquals(1, jump.icmpSeq());
        PacketEvent ret = out.get(1);
        assertEquals("MYCH", ret.nfChain());
        assertEquals("meta l4proto icmp counter return", ret.nfRule());
        assertEquals(7, ret.icmpId(), "messages without headers take the pass's");
        assertEquals(1, correlator.matched());
    }

    @Test
    void aMessageReadBeforeItsRecordWaitsThenMatches() {
        byte[][] h = TraceMessages.icmpEcho(CLIENT, SERVER, 101, true, 7, 2);
        anchor(0x99, h, 10_000);
        inputChain(0x99, h, 10_000);
        assertEquals(0, process(10_100), "waits: the ring has not been read past the message yet");
        records.add(record(9_000, 0xffff0002L, NfNetlink.NF_INET_LOCAL_IN, h[0], h[1]), 0, NfRecord.SIZE);
        assertEquals(3, process(10_200));
        assertTrue(out.stream().allMatch(e -> e.packetId() == 0xffff0002L));
    }

    @Test
    void withoutARecordOnceTheRingIsReadPastTheMessageTheVerdictHasNoPacketId() {
        byte[][] h = TraceMessages.icmpEcho(CLIENT, SERVER, 102, true, 7, 3);
        byte[][] other = TraceMessages.icmpEcho(CLIENT, SERVER, 103, true, 7, 4);
        anchor(0x55, h, 10_000);
        inputChain(0x55, h, 10_000);
        records.add(record(10_000 + TraceCorrelator.RING_SLACK_NS + 1, 0xffff0003L, NfNetlink.NF_INET_LOCAL_IN, other[0], other[1]), 0, NfRecord.SIZE);
        assertEquals(3, process(10_500));
        assertEquals(0, out.get(0).packetId());
        assertEquals(1, correlator.withoutRecord());
    }

    @Test
    void packetsMarkedByOthersAreNotOurs() {
        byte[][] h = TraceMessages.icmpEcho(CLIENT, SERVER, 104, true, 7, 5);
        // Our chain's policy: another nftrace rule marked it, our filter did not select it.
        correlator.offer(ns, message(OWN, "input", NfNetlink.NFT_TRACETYPE_POLICY, -1, null, null, 0x77, h), 1);
        inputChain(0x77, h, 1);
        // Another pkttrace's marking table.
        correlator.offer(ns, message("pkttrace_2_ffff", "input", NfNetlink.NFT_TRACETYPE_RULE, 6, NfNetlink.NF_ACCEPT, null, 0x78, h), 1);
        assertEquals(0, process(2));
        assertEquals(3, correlator.notOurs());
    }

    @Test
    void identicalPacketsAreMatchedOldestFirstAndCountedAmbiguous() {
        byte[][] h = TraceMessages.icmpEcho(CLIENT, SERVER, 105, true, 7, 6);
        records.add(record(100, 0xa1, NfNetlink.NF_INET_LOCAL_IN, h[0], h[1]), 0, NfRecord.SIZE);
        records.add(record(200, 0xa2, NfNetlink.NF_INET_LOCAL_IN, h[0], h[1]), 0, NfRecord.SIZE);
        anchor(1, h, 300);
        inputChain(1, h, 300);
        anchor(2, h, 300);
        inputChain(2, h, 300);
        assertEquals(6, process(400));
        assertEquals(List.of(0xa1L, 0xa1L, 0xa1L, 0xa2L, 0xa2L, 0xa2L), out.stream().map(PacketEvent::packetId).toList());
        assertEquals(1, correlator.ambiguous());
    }

    @Test
    void aNestedPacketDoesNotTakeOverTheOuterPass() {
        // A REJECT sends an ICMP error from inside the chain that rejects: its pass comes between.
        byte[][] udp = TraceMessages.icmpEcho(SERVER, CLIENT, 106, true, 1, 1);
        byte[][] icmp = TraceMessages.icmpEcho(SERVER, CLIENT, 107, false, 2, 2);
        records.add(record(10, 0xb1, NfNetlink.NF_INET_LOCAL_IN, udp[0], udp[1]), 0, NfRecord.SIZE);
        records.add(record(20, 0xb2, NfNetlink.NF_INET_LOCAL_IN, icmp[0], icmp[1]), 0, NfRecord.SIZE);
        anchor(1, udp, 30);
        anchor(2, icmp, 30);
        inputChain(2, icmp, 30);
        inputChain(1, udp, 30);
        assertEquals(6, process(40));
        assertEquals(List.of(0xb2L, 0xb2L, 0xb2L, 0xb1L, 0xb1L, 0xb1L), out.stream().map(PacketEvent::packetId).toList());
        assertEquals(List.of(20L, 20L, 20L, 10L, 10L, 10L), out.stream().map(PacketEvent::timestampNs).toList());
    }

    /** A drop by rule {@code handle}, not in the listing, after a change whose listing is still coming. */
    private void dropByAnUnlistedRule(long handle, int ipId) {
        byte[][] h = TraceMessages.icmpEcho(CLIENT, SERVER, ipId, true, 7, ipId);
        records.add(record(1, 0xc0 + ipId, NfNetlink.NF_INET_LOCAL_IN, h[0], h[1]), 0, NfRecord.SIZE);
        ns.requested.incrementAndGet(); // the consumer saw a change and asked for a listing
        anchor(ipId, h, 10);
        correlator.offer(ns, message("filter", "INPUT", NfNetlink.NFT_TRACETYPE_RULE, handle, NfNetlink.NF_DROP, null, ipId, h), 10);
        assertEquals(0, process(20), "rule " + handle + " is not listed yet, a listing is coming");
    }

    @Test
    void aRuleNotListedYetWaitsForTheListingThenShowsItsText() {
        dropByAnUnlistedRule(9, 108);
        ns.publish(Ruleset.parse(RULES.replace("\t\tmeta l4proto icmp counter accept # handle 2\n",
                "\t\tmeta l4proto icmp counter accept # handle 2\n\t\ticmp type echo-request reject # handle 9\n")), 1);
        assertEquals(1, process(30));
        assertEquals("REJECT", out.get(0).nfVerdict(), "a drop by a reject statement");
        assertEquals("icmp type echo-request reject", out.get(0).nfRule());
        assertFalse(out.get(0).nfRuleStale());
    }

    @Test
    void aRuleThatNoListingShowsIsMarkedStaleAfterWaiting() {
        dropByAnUnlistedRule(11, 109);
        assertEquals(1, process(10 + TraceCorrelator.TEXT_WAIT_NS));
        assertNull(out.get(0).nfRule());
        assertTrue(out.get(0).nfRuleStale());
        assertEquals(1, correlator.staleTexts());
    }

    @Test
    void theFinalRoundWaitsForNothing() {
        byte[][] h = TraceMessages.icmpEcho(CLIENT, SERVER, 110, true, 7, 9);
        anchor(5, h, 10);
        inputChain(5, h, 10);
        assertEquals(0, process(11));
        assertEquals(3, correlator.process(ns, 12, true, e -> out.add(e.copy())));
        assertTrue(correlator.drained(ns));
    }
}
