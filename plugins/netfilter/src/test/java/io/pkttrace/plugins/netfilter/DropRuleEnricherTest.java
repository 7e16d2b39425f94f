package io.pkttrace.plugins.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pkttrace.api.Enricher;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import org.junit.jupiter.api.Test;

class DropRuleEnricherTest {
    private final Enricher enricher = new DropRuleEnricherFactory().create(
            assertDoesNotThrowConfig());

    private static Object assertDoesNotThrowConfig() {
        try {
            return new DropRuleEnricherFactory().configure(Options.empty("enricher netfilter-drops"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static PacketEvent verdict(long packet, long ts, String verdict) {
        return new PacketEvent().probe("netfilter").hook("input").packetId(packet).timestampNs(ts)
                .netfilter("ptsrv", "input", verdict).nfFamily("inet").nfRule(6, "udp dport 10 counter drop", false);
    }

    private static PacketEvent drop(long packet, long ts, String reason) {
        return new PacketEvent().probe("netpath").hook("drop").packetId(packet).timestampNs(ts).drop(12, reason);
    }

    @Test
    void aNetfilterDropNamesTheRuleThatDroppedThatPacket() {
        enricher.enrich(verdict(0xa, 100, "DROP"));
        enricher.enrich(verdict(0xb, 100, "ACCEPT"));
        PacketEvent d = drop(0xa, 200, "NETFILTER_DROP");
        enricher.enrich(d);
        assertEquals("ptsrv.input:DROP", d.nfTable() + "." + d.nfChain() + ":" + d.nfVerdict());
        assertEquals(6, d.nfRuleHandle());
        assertEquals("udp dport 10 counter drop", d.nfRule());
        assertEquals("inet", d.nfFamily());
        PacketEvent again = drop(0xa, 300, "NETFILTER_DROP");
        enricher.enrich(again);
        assertNull(again.nfTable(), "one verdict names one drop");
    }

    @Test
    void otherDropsOtherPacketsAndLateDropsAreLeftAlone() {
        enricher.enrich(verdict(0xc, 100, "REJECT"));
        PacketEvent noSocket = drop(0xc, 200, "NO_SOCKET");
        enricher.enrich(noSocket);
        assertNull(noSocket.nfTable());
        PacketEvent other = drop(0xd, 200, "NETFILTER_DROP");
        enricher.enrich(other);
        assertNull(other.nfTable());
        PacketEvent late = drop(0xc, 100 + DropRuleEnricherFactory.MAX_DELAY_NS + 1, "NETFILTER_DROP");
        enricher.enrich(late);
        assertNull(late.nfTable(), "a buffer reused much later is another packet");
    }
}
