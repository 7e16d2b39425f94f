package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spill on a real BPF ring buffer: a program fills it (BPF_PROG_TEST_RUN, one numbered record per
 * run, some discarded) faster than the reader reads it, so that most records go through the spill;
 * every committed record must arrive once, in order, whole, and none may be lost.
 */
class RingBufferSpillKernelTest {
    private static final String PROGRAM = "pt_test_ring_fill";
    private static final byte[] FRAME = new byte[64];

    @Test
    void aRealRingFilledFasterThanItIsReadLosesNothing() throws Exception {
        KernelTestSupport.requireBpf();
        NativeBpf n = NativeBpf.get();
        int size = 4 * (int) n.pageSize();
        try (LibbpfObject o = LibbpfObject.open(n, "ring-fill", KernelTestSupport.bpfObject("ring_fill.bpf.o"))) {
            o.setMaxEntries("ring_fill_events", size);
            o.load();
            List<Long> seqs = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();
            long produced = 0;
            long maxSpilled = 0;
            try (RingBuffer ring = new RingBuffer(n, o.mapFd("ring_fill_events"), size, 4096, 64 << 10, Long.MAX_VALUE)) {
                RingBuffer.RecordHandler keep = (data, offset, length) -> {
                    long seq = data.getLong(offset);
                    for (int i = 8; i + 8 <= length; i += 8) {
                        assertEquals(seq, data.getLong(offset + i), "record " + seq + " whole");
                    }
                    seqs.add(seq);
                    lengths.add(length);
                    return true;
                };
                for (int round = 0; round < 300; round++) {
                    // Up to 60 records in (~2 KiB), at most 8 out: the reader falls behind and spills.
                    int burst = 20 + round % 41;
                    for (int i = 0; i < burst && ring.pending() < size - 64; i++) {
                        assertEquals(2, o.testRun(PROGRAM, FRAME)); // XDP_PASS
                        produced++;
                    }
                    ring.drain(keep, 1 + round % 8);
                    maxSpilled = Math.max(maxSpilled, ring.spilledBytes());
                }
                while (ring.drain(keep, 64) > 0) {
                    // the rest, spill first
                }
                assertEquals(0, ring.unreadRecords());
            }
            assertTrue(maxSpilled > 0, "the reader spilled");
            long expected = produced - produced / 10; // every tenth (seq % 10 == 9) was discarded
            assertEquals(expected, seqs.size(), "committed records read");
            long want = 0;
            for (int i = 0; i < seqs.size(); i++) {
                if (want % 10 == 9) {
                    want++;
                }
                assertEquals(want, (long) seqs.get(i), "in order");
                assertEquals(16 + (want % 4) * 8, (long) lengths.get(i), "its length");
                want++;
            }
        }
    }
}
