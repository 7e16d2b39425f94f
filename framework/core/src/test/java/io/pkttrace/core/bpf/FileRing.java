package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import jnr.ffi.LibraryLoader;

/**
 * A file laid out as the kernel's ring-buffer map (consumer page, producer page, data area) for
 * {@link RingBuffer}: the same mmap calls work on it, and records are written as the BPF producer
 * writes them (8-byte header with BUSY and DISCARD, 8-byte aligned, data wrapping around the end).
 */
final class FileRing implements AutoCloseable {
    /** open(2) and ftruncate(2), only to hand RingBuffer a descriptor of a plain file. */
    public interface PlainFile {
        int open(String path, int flags);

        int ftruncate(int fd, long length);

        int close(int fd);
    }

    static final int BUSY = 1 << 31;
    static final int DISCARD = 1 << 30;
    private static final int O_RDWR = 2;

    final int page;
    final int size;
    final int fd;
    private final PlainFile c;
    private final FileChannel ch;
    private final MappedByteBuffer m;
    private long prod;

    FileRing(Path dir, int page, int size) throws IOException {
        this.page = page;
        this.size = size;
        Path file = dir.resolve("ring");
        Files.write(file, new byte[0]);
        c = LibraryLoader.create(PlainFile.class).load("c");
        fd = c.open(file.toString(), O_RDWR);
        assertTrue(fd >= 0, "open " + file);
        ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        assertEquals(0, c.ftruncate(fd, 2L * page + size));
        m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 2L * page + size);
        m.order(ByteOrder.LITTLE_ENDIAN);
    }

    long consumerPos() {
        return m.getLong(0);
    }

    long producerPos() {
        return prod;
    }

    /** Bytes a record of {@code len} takes in the ring. */
    static long step(int len) {
        return (len + 8 + 7) & ~7L;
    }

    /** True when a record of {@code len} fits in the room the consumer left. */
    boolean fits(int len) {
        return prod + step(len) - consumerPos() <= size;
    }

    /**
     * Writes a record (not yet published: {@link #publish}).
     *
     * @return true when its data wraps around the data area's end
     */
    boolean write(byte[] rec, int flags) {
        int at = (int) (prod & (size - 1));
        m.putInt(2 * page + at, rec.length | flags);
        for (int i = 0; i < rec.length; i++) {
            m.put(2 * page + (int) ((prod + 8 + i) & (size - 1)), rec[i]);
        }
        prod += step(rec.length);
        return at + 8 + rec.length > size;
    }

    /** Commits the BUSY record at ring position {@code pos}: writes its data, then clears its flags. */
    void commit(long pos, byte[] rec) {
        for (int i = 0; i < rec.length; i++) {
            m.put(2 * page + (int) ((pos + 8 + i) & (size - 1)), rec[i]);
        }
        m.putInt(2 * page + (int) (pos & (size - 1)), rec.length);
    }

    /** Makes what was written visible to the consumer. */
    void publish() {
        m.putLong(page, prod);
    }

    /**
     * A handler that copies each record into {@code into}, and refuses the record after the first
     * {@code takeFirst} (the run must stop now), setting {@code refused[0]}; -1 takes every record.
     */
    static RingBuffer.RecordHandler collect(List<byte[]> into, int takeFirst, boolean[] refused) {
        int[] taken = {0};
        return (data, offset, length) -> {
            if (taken[0] == takeFirst) {
                refused[0] = true;
                return false;
            }
            taken[0]++;
            byte[] b = new byte[length];
            data.get(offset, b);
            into.add(b);
            return true;
        };
    }

    @Override
    public void close() throws IOException {
        ch.close();
        c.close(fd);
    }
}
