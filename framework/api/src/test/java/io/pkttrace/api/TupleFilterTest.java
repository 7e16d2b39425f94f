package io.pkttrace.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TupleFilterTest {
    @Test
    void offersItsRulesToTheKernelAndDecidesLikeThem() {
        TupleRules udp = new TupleRules(List.of(), List.of(), List.of(), List.of(17), List.of(), List.of(), List.of(), false);
        TupleFilter f = new TupleFilter(udp);
        assertEquals(udp, f.kernelRules().orElseThrow());
        assertTrue(f.test(new PacketEvent().family(4).protocol(17)));
        assertFalse(f.test(new PacketEvent().family(4).protocol(6)));
    }
}
