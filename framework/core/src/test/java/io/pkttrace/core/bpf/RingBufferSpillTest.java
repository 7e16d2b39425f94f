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
 * A consumer slower than its producer: once the ring is more than half full its committed records are
 * copied out (spilled) and read from there first. Every record must still reach the handler whole, in
 * order and once; a record still being written stops the copy; a refused record stays unread; what is
 * held counts as unread; the spill stops at its cap (the rest stays in the ring) and gives its memory
 * back once read. Only within its window (the JIT's warm-up): after it, records wait in the ring.
 */
class RingBufferSpillTest {
    @Test
    void aSlowConsumerGetsEveryRecordInOrderThroughTheSpill(@TempDir Path dir) throws Exception {
        NativeBpf n = NativeBpf.get();
        int page = (int) n.pageSize();
        int size = 4 * page;
        int chunk = page;
        long cap = 6L * page;
        Random rnd = new Random(7);
        List<byte[]> written = new ArrayList<>();
        List<byte[]> read = new ArrayList<>();
        int busyRounds = 0;
        int refusals = 0;
        int roundsAtCap = 0;
        long maxSpilled = 0;
        try (FileRing f = new FileRing(dir, page, size); RingBuffer ring = new RingBuffer(n, f.fd, size, chunk, cap, Long.MAX_VALUE)) {
            long busyAt = -1;
            byte[] busyRec = null;
            for (int round = 0; round < 3000; round++) {
                if (busyAt >= 0 && rnd.nextInt(3) == 0) {
                    f.commit(busyAt, busyRec); // the producer writes it at last
                    busyAt = -1;
                }
                // The producer fills what room the consumer left, faster than the consumer reads.
                int burst = rnd.nextInt(40);
                for (int i = 0; i < burst; i++) {
                    int len = 1 + rnd.nextInt(3 * 97);
                    if (!f.fits(len)) {
                        break;
                    }
                    byte[] rec = new byte[len];
                    rnd.nextBytes(rec);
                    boolean discard = rnd.nextInt(10) == 0;
                    boolean busy = busyAt < 0 && !discard && rnd.nextInt(50) == 0;
                    if (busy) {
                        busyAt = f.producerPos();
                        busyRec = rec;
                        busyRounds++;
                    }
                    // A record being written has its space, not yet its data.
                    f.write(busy ? new byte[len] : rec, discard ? FileRing.DISCARD : busy ? FileRing.BUSY : 0);
                    if (!discard) {
                        written.add(rec);
                    }
                }
                f.publish();
                int max = 1 + rnd.nextInt(12);
                boolean[] refused = {false};
                ring.drain(FileRing.collect(read, rnd.nextInt(15) == 0 ? 1 : -1, refused), max);
                if (refused[0]) {
                    refusals++;
                }
                maxSpilled = Math.max(maxSpilled, ring.spilledBytes());
                if (ring.spilledBytes() >= cap - chunk && f.producerPos() - f.consumerPos() > size / 2) {
                    roundsAtCap++; // the spill is full: the rest waits in the ring
                }
                // Held in the spill or still in the ring (a record being written included): unread.
                assertEquals(written.size() - read.size(), ring.unreadRecords(), "round " + round);
                assertTrue(ring.spilledBytes() <= cap, "spilled " + ring.spilledBytes());
            }
            if (busyAt >= 0) {
                f.commit(busyAt, busyRec);
            }
            while (ring.drain(FileRing.collect(read, -1, new boolean[1]), 64) > 0) {
                // the rest, spill first
            }
            assertEquals(0, ring.unreadRecords());
            assertEquals(f.producerPos(), f.consumerPos());
            assertTrue(ring.spilledBytes() <= chunk, "memory given back once read, one chunk kept: " + ring.spilledBytes());
        }
        assertTrue(maxSpilled >= 2L * chunk, "the spill was used: " + maxSpilled);
        assertTrue(roundsAtCap > 10, "rounds at the cap: " + roundsAtCap);
        assertTrue(busyRounds > 10, "records being written: " + busyRounds);
        assertTrue(refusals > 10, "refusals: " + refusals);
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), read.get(i), "record " + i);
        }
    }

    @Test
    void afterItsWindowASlowConsumerLeavesRecordsInTheRing(@TempDir Path dir) throws Exception {
        NativeBpf n = NativeBpf.get();
        int page = (int) n.pageSize();
        int size = 4 * page;
        Random rnd = new Random(11);
        List<byte[]> written = new ArrayList<>();
        List<byte[]> read = new ArrayList<>();
        try (FileRing f = new FileRing(dir, page, size); RingBuffer ring = new RingBuffer(n, f.fd, size, page, 6L * page, 1)) {
            for (int round = 0; round < 200; round++) {
                for (int i = 0; i < 30; i++) {
                    int len = 1 + rnd.nextInt(3 * 97);
                    if (!f.fits(len)) {
                        break;
                    }
                    byte[] rec = new byte[len];
                    rnd.nextBytes(rec);
                    f.write(rec, 0);
                    written.add(rec);
                }
                f.publish();
                ring.drain(FileRing.collect(read, -1, new boolean[1]), 1 + rnd.nextInt(4));
                assertEquals(0, ring.spilledBytes(), "round " + round);
                assertEquals(written.size() - read.size(), ring.unreadRecords(), "round " + round);
            }
            assertTrue(f.producerPos() - f.consumerPos() > size / 2, "the ring filled up");
            while (ring.drain(FileRing.collect(read, -1, new boolean[1]), 64) > 0) {
                // the rest, from the ring
            }
        }
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i), read.get(i), "record " + i);
        }
    }
}
