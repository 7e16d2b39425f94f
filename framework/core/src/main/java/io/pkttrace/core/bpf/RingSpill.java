package io.pkttrace.core.bpf;

import com.kenai.jffi.MemoryIO;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import jnr.ffi.Pointer;

/**
 * Records copied out of a ring buffer that is filling up, so that the producer gets their space back at
 * the speed of a memory copy while the consumer is slower than it (a cold JVM at full rate: the ring
 * decides when, see {@link RingBuffer}). They keep the ring's record format (8-byte header, 8-byte aligned) in chunks of
 * anonymous memory, are handed over before any record still in the ring, and count as unread until
 * then. Chunks are mapped when needed, up to a cap, and unmapped once read (one is kept for the next
 * burst): a consumer that keeps up never maps one.
 */
final class RingSpill {
    private static final VarHandle LONG = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int BUSY = RingBuffer.BUSY;
    private static final int DISCARD = RingBuffer.DISCARD;
    private static final int HEADER = RingBuffer.HEADER;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;

    /** A stretch of anonymous memory holding whole records from {@code read} to {@code write}. */
    private static final class Chunk {
        final Pointer map;
        final int size;
        final ByteBuffer buf;
        int read;
        int write;

        Chunk(Pointer map, int size) {
            this.map = map;
            this.size = size;
            this.buf = MemoryIO.getInstance().newDirectByteBuffer(map.address(), size).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private final NativeBpf n;
    private final int chunkBytes;
    private final long capacityBytes;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private Chunk spare;
    private long mappedBytes;
    /** Bytes of records held, discarded ones included. */
    private long bytes;
    /** Records held (discarded ones not counted), published for {@link #heldRecords} from other threads. */
    private final long[] held = new long[1];

    /**
     * @param chunkBytes    the size of a chunk (a multiple of the page size); a longer record gets a chunk of its own
     * @param capacityBytes how much memory the chunks may take at most; beyond it records stay in the ring
     */
    RingSpill(NativeBpf n, int chunkBytes, long capacityBytes) {
        this.n = n;
        this.chunkBytes = chunkBytes;
        this.capacityBytes = capacityBytes;
    }

    boolean isEmpty() {
        return bytes == 0;
    }

    /** Records held and not yet handed over (the consumer publishes this at the end of each call). */
    long heldRecords() {
        return (long) LONG.getAcquire(held, 0);
    }

    /** Memory the chunks take now. */
    long mappedBytes() {
        return mappedBytes;
    }

    /**
     * Copies the committed records of {@code ring} (data area {@code dataStart} to {@code dataStart + mask + 1})
     * from position {@code cons} up to {@code prod}, the first record still being written, or the cap.
     *
     * @return the position up to which records were copied: the ring's new consumer position
     */
    long copyFrom(ByteBuffer ring, int dataStart, long mask, long cons, long prod) {
        long pos = cons;
        long from = cons;
        long records = 0;
        Chunk tail = chunks.peekLast();
        if (tail != null && tail.read == tail.write) {
            tail.read = 0; // read to its end: written again from its start
            tail.write = 0;
        }
        while (pos < prod) {
            // Plain reads of the headers, then one fence before the copy (cheap while still interpreted).
            int header = ring.getInt(dataStart + (int) (pos & mask));
            if ((header & BUSY) != 0) {
                break; // the producer has reserved but not yet committed this record
            }
            long step = ((header & ~(BUSY | DISCARD)) + HEADER + 7) & ~7L;
            if (tail == null || tail.size - tail.write < pos - from + step) {
                copy(ring, dataStart, mask, from, pos, tail);
                from = pos;
                tail = newChunk(step);
                if (tail == null) {
                    break; // at the cap: the rest stays in the ring
                }
            }
            if ((header & DISCARD) == 0) {
                records++;
            }
            pos += step;
        }
        copy(ring, dataStart, mask, from, pos, tail);
        bytes += pos - cons;
        LONG.setRelease(held, 0, held[0] + records);
        return pos;
    }

    /** Appends ring positions [from, to) to the tail chunk, in one or two copies (the data area may wrap). */
    private static void copy(ByteBuffer ring, int dataStart, long mask, long from, long to, Chunk tail) {
        int len = (int) (to - from);
        if (len == 0) {
            return;
        }
        VarHandle.acquireFence(); // the headers read committed: the data behind them is complete
        int at = dataStart + (int) (from & mask);
        int first = (int) Math.min(len, mask + 1 - (from & mask));
        tail.buf.put(tail.write, ring, at, first);
        if (first < len) {
            tail.buf.put(tail.write + first, ring, dataStart, len - first);
        }
        tail.write += len;
    }

    private Chunk newChunk(long step) {
        int size = (int) Math.max(chunkBytes, (step + chunkBytes - 1) / chunkBytes * chunkBytes);
        Chunk c;
        if (spare != null && spare.size >= size) {
            c = spare;
            spare = null;
            c.read = 0;
            c.write = 0;
        } else {
            if (mappedBytes + size > capacityBytes) {
                return null;
            }
            Pointer p = n.libc().mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == null || p.address() == -1L) {
                return null; // no memory: the rest stays in the ring, as at the cap
            }
            mappedBytes += size;
            c = new Chunk(p, size);
        }
        chunks.addLast(c);
        return c;
    }

    /**
     * Hands held records to the handler in order, up to {@code max} (discarded ones are skipped and counted).
     *
     * @return the number of records read, and {@code -1 - read} when the handler refused one (it stays held)
     */
    int drain(RingBuffer.RecordHandler handler, int max) {
        int count = 0;
        long handed = 0;
        boolean refused = false;
        Chunk c;
        while (count < max && (c = chunks.peekFirst()) != null) {
            if (c.read == c.write) {
                release(chunks.pollFirst()); // read to its end: the next copy starts a chunk (the spare first)
                continue;
            }
            int header = c.buf.getInt(c.read);
            int len = header & ~(BUSY | DISCARD);
            if ((header & DISCARD) == 0) {
                if (!handler.onRecord(c.buf, c.read + HEADER, len)) {
                    refused = true;
                    break;
                }
                handed++;
            }
            int step = (len + HEADER + 7) & ~7;
            c.read += step;
            bytes -= step;
            count++;
        }
        if (handed > 0) {
            LONG.setRelease(held, 0, held[0] - handed);
        }
        return refused ? -1 - count : count;
    }

    private void release(Chunk c) {
        if (spare == null && c.size == chunkBytes) {
            spare = c;
            return;
        }
        n.libc().munmap(c.map, c.size);
        mappedBytes -= c.size;
    }

    /** Unmaps every chunk; what they held is gone (the run ended and counted it). */
    void close() {
        for (Chunk c : chunks) {
            n.libc().munmap(c.map, c.size);
        }
        chunks.clear();
        bytes = 0;
        if (spare != null) {
            n.libc().munmap(spare.map, spare.size);
            spare = null;
        }
        mappedBytes = 0;
    }
}
