package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ring's data area is mapped once: records that wrap around its end must reach the handler whole
 * and in order. A file laid out as the kernel's ring map (consumer page, producer page, data area)
 * stands in for it: the same mmap calls work on it, and the test writes records as the producer does.
 */
class RingBufferWrapTest {
    /** open(2) and ftruncate(2), only to hand RingBuffer a descriptor of a plain file. */
    public interface PlainFile {
        int open(String path, int flags);

        int ftruncate(int fd, long length);

        int close(int fd);
    }

    private static final int O_RDWR = 2;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;

    @Test
    void wrappingRecordsArriveWholeAndInOrder(@TempDir Path dir) throws Exception {
        NativeBpf n = NativeBpf.get();
        int page = (int) n.pageSize();
        int size = 4 * page; // the data area: small, so that records wrap at many offsets
        Path file = dir.resolve("ring");
        Files.write(file, new byte[0]);
        PlainFile c = LibraryLoader.create(PlainFile.class).load("c");
        int fd = c.open(file.toString(), O_RDWR);
        assertTrue(fd >= 0, "open " + file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertEquals(0, c.ftruncate(fd, 2L * page + size));
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 2L * page + size);
            m.order(ByteOrder.LITTLE_ENDIAN);
            Random rnd = new Random(42);
            List<byte[]> written = new ArrayList<>();
            List<byte[]> read = new ArrayList<>();
            long prod = 0;
            int wraps = 0;
            int refusals = 0;
            try (RingBuffer ring = new RingBuffer(n, fd, size)) {
                for (int round = 0; round < 400; round++) {
                    long cons = m.getLong(0);
                    // Fill up to what the ring holds unread, with lengths that land headers and data at every offset.
                    while (true) {
                        int len = 1 + rnd.nextInt(3 * 97);
                        long step = (len + 8 + 7) & ~7L;
                        if (prod + step - cons > size) {
                            break;
                        }
                        boolean discard = rnd.nextInt(10) == 0;
                        byte[] rec = new byte[len];
                        rnd.nextBytes(rec);
                        int at = (int) (prod & (size - 1));
                        m.putInt(2 * page + at, len | (discard ? DISCARD : 0));
                        for (int i = 0; i < len; i++) {
                            m.put(2 * page + (int) ((prod + 8 + i) & (size - 1)), rec[i]);
                        }
                        if (at + 8 + len > size) {
                            wraps++;
                        }
                        if (!discard) {
                            written.add(rec);
                        }
                        prod += step;
                    }
                    m.putLong(page, prod);
                    if (round % 7 == 3) {
                        // A handler that refuses a record (the run must stop now) leaves it and the rest in the ring.
                        int[] taken = {0};
                        boolean[] refused = {false};
                        ring.drain((data, offset, length) -> {
                            if (taken[0] == 2) {
                                refused[0] = true;
                                return false;
                            }
                            taken[0]++;
                            byte[] b = new byte[length];
                            data.get(offset, b);
                            read.add(b);
                            return true;
                        }, Integer.MAX_VALUE);
                        if (refused[0]) {
                            refusals++;
                            assertTrue(m.getLong(0) < prod && ring.unreadRecords() > 0, "the refused record is still unread");
                        }
                    }
                    ring.drain((data, offset, length) -> {
                        byte[] b = new byte[length];
                        data.get(offset, b);
                        read.add(b);
                        return true;
                    }, Integer.MAX_VALUE);
                    assertEquals(prod, m.getLong(0), "the consumer position reached the producer's");
                }
                // A record still being written stops the reader; it is counted as unread.
                m.putInt(2 * page + (int) (prod & (size - 1)), 16 | BUSY);
                m.putLong(page, prod + 24);
                assertEquals(0, ring.drain((data, offset, length) -> read.add(null), 10));
                assertEquals(1, ring.unreadRecords());
            } finally {
                c.close(fd);
            }
            assertTrue(wraps > 100, "records wrapped: " + wraps);
            assertTrue(refusals > 40, "rounds with a refused record: " + refusals); // then read in the next drain, in order
            assertEquals(written.size(), read.size());
            for (int i = 0; i < written.size(); i++) {
                assertArrayEquals(written.get(i), read.get(i), "record " + i);
            }
        }
    }
}
