package io.pkttrace.core.bpf;

import com.kenai.jffi.MemoryIO;
import io.pkttrace.api.PkttraceException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;

/**
 * Reads a BPF ring buffer directly from its memory mapping, as libbpf does in C, without a native
 * call or callback per record (measured here: ~5-7 ns per record against ~300 ns for
 * ring_buffer__poll with a jnr-ffi callback).
 *
 * <p>Layout (kernel/bpf/ringbuf.c): page 0 holds consumer_pos (we write it), page 1 producer_pos
 * (the kernel writes it), then the data area. Each record has an 8-byte header whose first word is
 * its length with BUSY (bit 31, still being written) and DISCARD (bit 30) flags; records are 8-byte
 * aligned, so a header never wraps around the data area's end, a record's data may.
 *
 * <p>The kernel lets the data area be mapped twice in a row so that a wrapping record is contiguous
 * (libbpf does that), and inserts every page of a mapping when it is made: the second copy would add
 * the ring's size to the process's resident memory (4 MiB by default). The data area is mapped once;
 * the rare record that wraps (one per lap of the ring) is copied into a reused buffer.
 *
 * <p>While the JVM compiles the consumer's hot path (the first second after the ring's first record), a
 * consumer that fell behind, finding the ring more than a quarter full, copies its committed records out
 * into a {@link RingSpill} at the speed of a memory copy and reads them from there first, so that the
 * producer does not run out of room while the consumer's code is still being compiled. A consumer that
 * keeps up reads the ring in place and never spills. A quarter leaves the ring room for a pause of the
 * consumer (a young GC takes 3-7 ms while the JVM is cold, ~10 ms fill the default ring at 3.5 M events/s);
 * a lower mark spilled more and lost more in cold runs. After the first second a consumer that falls behind
 * loses records as before, counted: there a spill turned a sustained overload into up to 64 MiB more memory
 * and lost as much (the flow sink's 60 s flood: peak RSS 168 MiB; measured: docs/benchmarks.md).
 */
public final class RingBuffer implements AutoCloseable {
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** A record's header flags and size (kernel/bpf/ringbuf.c), shared with {@link RingSpill}, which keeps the format. */
    static final int BUSY = 1 << 31;
    static final int DISCARD = 1 << 30;
    static final int HEADER = 8;
    /** What the spill may take: with the ring's 4 MiB, what a cold JVM falls behind at ~3.5 M events/s (a 64 MiB kernel ring lost nothing of a cold start). */
    static final long SPILL_CAPACITY_BYTES = 64L << 20;
    static final int SPILL_CHUNK_BYTES = 1 << 20;
    /** C2's code for the hot path is in place 0.3-0.4 s after the first record at full rate here (-XX:+LogCompilation). */
    static final long SPILL_WINDOW_NANOS = 1_000_000_000L;

    /** Called for every committed record; must not keep the buffer. */
    @FunctionalInterface
    public interface RecordHandler {
        /**
         * @return true when the record was taken; false to leave it, and every record after it, in the
         *     ring (the run must stop now: what is left is counted as unread, not read and dropped)
         */
        boolean onRecord(ByteBuffer data, int offset, int length);
    }

    private final NativeBpf n;
    private final Pointer consumerMap;
    private final Pointer producerMap;
    private final long producerMapLength;
    private final ByteBuffer consumer;
    private final ByteBuffer data;
    private final int dataStart;
    private final int dataEnd;
    private final long mask;
    /** Holds a record that wraps around the data area's end; grown when a longer one wraps. */
    private ByteBuffer wrapped = ByteBuffer.allocateDirect(0);
    /** Pending bytes above which the consumer spills: a quarter of the ring. */
    private final long spillAt;
    private final long spillWindowNanos;
    /** When the consumer first found a record (0: not yet): the spill window starts there. */
    private long firstRecordNanos;
    private final RingSpill spill;

    /**
     * @param fd         the ring-buffer map's fd
     * @param size       its max_entries (a power of two, multiple of the page size)
     */
    public RingBuffer(NativeBpf n, int fd, int size) throws PkttraceException {
        this(n, fd, size, SPILL_CHUNK_BYTES, SPILL_CAPACITY_BYTES, SPILL_WINDOW_NANOS);
    }

    /** With the spill's chunk size, capacity and window (tests: small ones, or no window). */
    RingBuffer(NativeBpf n, int fd, int size, int spillChunkBytes, long spillCapacityBytes, long spillWindowNanos)
            throws PkttraceException {
        this.n = n;
        this.spillAt = size / 4;
        this.spillWindowNanos = spillWindowNanos;
        this.spill = new RingSpill(n, spillChunkBytes, spillCapacityBytes);
        long page = n.pageSize();
        LibC libc = n.libc();
        consumerMap = libc.mmap(null, page, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
        if (consumerMap == null || consumerMap.address() == -1L) {
            throw new PkttraceException("cannot map the ring buffer (" + n.strerror(n.errno()) + ")", null);
        }
        producerMapLength = page + size;
        producerMap = libc.mmap(null, producerMapLength, LibC.PROT_READ, LibC.MAP_SHARED, fd, page);
        if (producerMap == null || producerMap.address() == -1L) {
            libc.munmap(consumerMap, page);
            throw new PkttraceException("cannot map the ring buffer data (" + n.strerror(n.errno()) + ")", null);
        }
        MemoryIO io = MemoryIO.getInstance();
        consumer = io.newDirectByteBuffer(consumerMap.address(), (int) page).order(ByteOrder.LITTLE_ENDIAN);
        data = io.newDirectByteBuffer(producerMap.address(), (int) producerMapLength).order(ByteOrder.LITTLE_ENDIAN);
        dataStart = (int) page;
        dataEnd = dataStart + size;
        mask = size - 1L;
    }

    /**
     * Hands every committed record to the handler, up to {@code max} records (spilled ones first), then
     * publishes the new consumer position once (one release store per batch).
     *
     * @return the number of records read (discarded ones included)
     */
    public int drain(RecordHandler handler, int max) {
        long cons = (long) LONG.getOpaque(consumer, 0);
        long prod = (long) LONG.getAcquire(data, 0);
        if (prod - cons > spillAt || !spill.isEmpty()) {
            return drainSpilling(handler, max, cons, prod);
        }
        return drainRing(handler, max, cons, prod);
    }

    /** Spills what the ring holds if it is filling, then hands over the spill's records, then the ring's. */
    private int drainSpilling(RecordHandler handler, int max, long cons, long prod) {
        if (prod - cons > spillAt && inSpillWindow()) {
            long to = spill.copyFrom(data, dataStart, mask, cons, prod);
            if (to != cons) {
                LONG.setRelease(consumer, 0, to);
                cons = to;
            }
        }
        int read = spill.drain(handler, max);
        if (read < 0) {
            return -1 - read; // refused: the run stops now
        }
        if (read < max && spill.isEmpty()) {
            read += drainRing(handler, max - read, cons, (long) LONG.getAcquire(data, 0));
        }
        return read;
    }

    private boolean inSpillWindow() {
        long now = System.nanoTime();
        if (firstRecordNanos == 0) {
            firstRecordNanos = now; // a ring already a quarter full at its first drain: its first record is now
        }
        return now - firstRecordNanos < spillWindowNanos;
    }

    private int drainRing(RecordHandler handler, int max, long cons, long prod) {
        if (firstRecordNanos == 0 && cons < prod) {
            firstRecordNanos = System.nanoTime();
        }
        int count = 0;
        while (cons < prod && count < max) {
            int off = dataStart + (int) (cons & mask);
            int header = (int) INT.getAcquire(data, off);
            if ((header & BUSY) != 0) {
                break; // the producer has reserved but not yet committed this record
            }
            int len = header & ~(BUSY | DISCARD);
            if ((header & DISCARD) == 0) {
                int start = off + HEADER;
                boolean taken;
                if (start + len <= dataEnd) {
                    taken = handler.onRecord(data, start, len);
                } else if (start == dataEnd) {
                    taken = handler.onRecord(data, dataStart, len); // the header ended the area: the data starts it
                } else {
                    taken = handler.onRecord(unwrap(start, len), 0, len);
                }
                if (!taken) {
                    break;
                }
            }
            cons += (len + HEADER + 7) & ~7L;
            count++;
            if (cons >= prod) {
                prod = (long) LONG.getAcquire(data, 0);
            }
        }
        if (count > 0) {
            LONG.setRelease(consumer, 0, cons);
        }
        return count;
    }

    /** A record whose data starts at {@code start} and runs past the data area's end, made contiguous. */
    private ByteBuffer unwrap(int start, int len) {
        if (wrapped.capacity() < len) {
            wrapped = ByteBuffer.allocateDirect(Math.max(256, Integer.highestOneBit(len - 1) << 1)).order(ByteOrder.LITTLE_ENDIAN);
        }
        int head = dataEnd - start;
        wrapped.put(0, data, start, head);
        wrapped.put(head, data, dataStart, len - head);
        return wrapped;
    }

    /**
     * Records between the consumer position and the producer position, without consuming them:
     * what was left unread when a run ended. Discarded records are not counted; one still being
     * written (after its probes were detached there is none) is.
     */
    public long unreadRecords() {
        long cons = (long) LONG.getOpaque(consumer, 0);
        long prod = (long) LONG.getAcquire(data, 0);
        long count = spill.heldRecords();
        while (cons < prod) {
            int header = (int) INT.getAcquire(data, dataStart + (int) (cons & mask));
            if ((header & DISCARD) == 0) {
                count++;
            }
            cons += ((header & ~(BUSY | DISCARD)) + HEADER + 7) & ~7L;
        }
        return count;
    }

    /** Memory the spill takes now. */
    long spilledBytes() {
        return spill.mappedBytes();
    }

    /** Bytes committed or reserved but not yet consumed. */
    public long pending() {
        return (long) LONG.getAcquire(data, 0) - (long) LONG.getOpaque(consumer, 0);
    }

    @Override
    public void close() {
        spill.close();
        n.libc().munmap(producerMap, producerMapLength);
        n.libc().munmap(consumerMap, n.pageSize());
    }
}
