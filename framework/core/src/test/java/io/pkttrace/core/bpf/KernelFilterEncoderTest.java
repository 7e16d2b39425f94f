package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.TupleRules;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelFilterEncoderTest {
    /** The encoder for the SDK's filter.h, as compiled into a test object. */
    private static KernelFilterEncoder encoder() throws Exception {
        return KernelFilterEncoder.of(KernelTestSupport.btf("skb_hooks.bpf.o"));
    }

    @Test
    void emptyRulesAreDisabled() throws Exception {
        byte[] b = encoder().encode(TupleRules.matchAll());
        assertEquals(980, b.length);
        assertEquals(0, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
    }

    @Test
    void prefixIsStoredAsNetworkAndMask() throws Exception {
        TupleRules r = new TupleRules(
                List.of(new TupleRules.Prefix(PacketEvent.FAMILY_IPV4, new byte[] {(byte) 198, 18, 1, (byte) 200}, 20)),
                List.of(), List.of(), List.of(17), List.of(), List.of(new TupleRules.PortRange(1000, 2000)),
                List.of(), true);
        ByteBuffer b = ByteBuffer.wrap(encoder().encode(r)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.getInt(0));
        assertEquals(1, b.get(4));   // n_src
        assertEquals(1, b.get(7));   // n_proto
        assertEquals(1, b.get(9));   // n_dport
        assertEquals(1, b.get(11));  // both directions
        assertEquals(4, b.getInt(12));
        // /20 of 198.18.1.200 = 198.18.0.0 with mask 255.255.240.0
        assertEquals((byte) 198, b.get(16));
        assertEquals(18, b.get(17));
        assertEquals(0, b.get(18));
        assertEquals(0, b.get(19));
        assertEquals((byte) 0xff, b.get(32));
        assertEquals((byte) 0xf0, b.get(34));
        assertEquals(0, b.get(35));
        assertEquals(0, b.get(36)); // IPv4 leaves the upper mask words zero
        assertEquals(17, b.get(876));
        assertEquals(1000, b.getShort(916));
        assertEquals(2000, b.getShort(918));
    }
}
