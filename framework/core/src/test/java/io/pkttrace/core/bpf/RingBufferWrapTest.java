package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ring's data area is mapped once: records that wrap around its end must reach the handler whole
 * and in order. A {@link FileRing} stands in for the kernel's ring.
 */
class RingBufferWrapTest {
    @Test
    void wrappingRecordsArriveWholeAndInOrder(@TempDir Path dir) throws Exception {
        NativeBpf n = NativeBpf.get();
        int page = (int) n.pageSize();
        int size = 4 * page; // the data area: small, so that records wrap at many offsets
        Random rnd = new Random(42);
        List<byte[]> written = new ArrayList<>();
        List<byte[]> read = new ArrayList<>();
        int wraps = 0;
        int refusals = 0;
        try (FileRing f = new FileRing(dir, page, size); RingBuffer ring = new RingBuffer(n, f.fd, size)) {
            for (int round = 0; round < 1200; round++) {
                // Fill up to a quarter of what the ring holds (beyond it the reader spills: RingBufferSpillTest),
                // with lengths that land headers and data at every offset.
                while (true) {
                    int len = 1 + rnd.nextInt(3 * 97);
                    if (f.producerPos() + FileRing.step(len) - f.consumerPos() > size / 4) {
                        break;
                    }
                    boolean discard = rnd.nextInt(10) == 0;
                    byte[] rec = new byte[len];
                    rnd.nextBytes(rec);
                    if (f.write(rec, discard ? FileRing.DISCARD : 0)) {
                        wraps++;
                    }
                    if (!discard) {
                        written.add(rec);
                    }
                }
                f.publish();
                if (round % 7 == 3) {
                    // A handler that refuses a record (the run must stop now) leaves it and the rest in the ring.
                    boolean[] refused = {false};
                    ring.drain(FileRing.collect(read, 2, refused), Integer.MAX_VALUE);
                    if (refused[0]) {
                        refusals++;
                        assertTrue(f.consumerPos() < f.producerPos() && ring.unreadRecords() > 0, "the refused record is still unread");
                    }
                }
                ring.drain(FileRing.collect(read, -1, new boolean[1]), Integer.MAX_VALUE);
                assertEquals(f.producerPos(), f.consumerPos(), "the consumer position reached the producer's");
            }
            // A record still being written stops the reader; it is counted as unread.
            long at = f.producerPos();
            f.write(new byte[16], FileRing.BUSY);
            f.publish();
            assertEquals(0, ring.drain((data, offset, length) -> read.add(null), 10));
            assertEquals(1, ring.unreadRecords());
            assertEquals(at, f.consumerPos());
            assertEquals(0, ring.spilledBytes(), "a consumer that keeps up never spills");
        }
        assertTrue(wraps > 100, "records wrapped: " + wraps);
        assertTrue(refusals > 40, "rounds with a refused record: " + refusals); // then read in the next drain, in order
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), read.get(i), "record " + i);
        }
    }
}
