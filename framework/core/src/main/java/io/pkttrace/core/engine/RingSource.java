package io.pkttrace.core.engine;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RecordDecoder;
import io.pkttrace.core.bpf.LibbpfObject;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.bpf.PerCpuCounters;
import io.pkttrace.core.bpf.RingBuffer;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A probe's {@code pt_events} ring buffer, decoded by the probe's decoder (isolated by a {@link Guard}),
 * with its {@code pt_counters}. {@code delivered} grows only when a drain returns, that is when the
 * ring's consumer position is published: if the consumer never comes back from a component, the
 * records of that drain are still in the ring and counted as left unread, never twice.
 */
final class RingSource extends GuardedSource implements RingBuffer.RecordHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RingSource.class);

    /**
     * Records read before the consumer position is published: the producer gets their space back that
     * soon, however slow the sinks (a round reads up to 4096; published only at its end, a slow sink kept
     * an eighth of the default ring from the producer for up to a millisecond). One release store per chunk.
     */
    static final int DRAIN_CHUNK = 64;

    private final NativeBpf n;
    private final LibbpfObject object;
    private final RingBuffer ring;
    private final RecordDecoder decoder;
    private volatile long delivered;
    private int inDrain;
    private long lastTs;
    private boolean caughtUp = true;
    private Intake intake;
    /** The event the pipeline gave back after the last record: filled again for the next (no pool round trip). */
    private PacketEvent spare;
    private boolean closed;

    RingSource(NativeBpf n, LibbpfObject object, RingBuffer ring, RecordDecoder decoder, Guard guard) {
        super(guard);
        this.n = n;
        this.object = object;
        this.ring = ring;
        this.decoder = decoder;
    }

    @Override
    public int poll(int max, Intake in) {
        intake = in;
        int read = 0;
        caughtUp = false;
        while (read < max && !in.stopNow()) {
            int want = Math.min(Math.min(max - read, DRAIN_CHUNK), Math.max(1, in.room()));
            inDrain = 0;
            int got = ring.drain(this, want);
            delivered += inDrain;
            read += got;
            if (got < want) {
                caughtUp = true;
                break;
            }
        }
        return read;
    }

    @Override
    public boolean onRecord(ByteBuffer data, int offset, int length) {
        if (intake.stopNow()) {
            return false; // stays in the ring, counted as left unread: the run ends now
        }
        inDrain++;
        if (guard.disabled()) {
            return true; // read and counted, not decoded
        }
        PacketEvent e = spare;
        if (e != null) {
            e.clear();
        } else {
            e = intake.take();
        }
        spare = null;
        boolean ok;
        try {
            ok = decoder.decode(data, offset, length, e);
        } catch (Throwable t) {
            guard.failed("decode", t);
            ok = false;
        }
        if (!ok) {
            spare = e;
            return true;
        }
        lastTs = e.timestampNs();
        if (!intake.offer(e)) {
            spare = e;
        }
        return true;
    }

    @Override
    public long watermark(long roundStartNs) {
        return caughtUp ? roundStartNs : lastTs;
    }

    @Override
    public SourceCounts counts() {
        long unread = closed ? 0 : ring.unreadRecords();
        try {
            long[] c = PerCpuCounters.read(n, object.mapFd("pt_counters"), 3);
            return new SourceCounts(c[0], delivered, c[1], c[2], unread);
        } catch (PkttraceException e) {
            LOG.warn("cannot read counters of {}: {}", object.name(), e.getMessage());
            return new SourceCounts(delivered + unread, delivered, 0, 0, unread);
        }
    }

    @Override
    public void close(boolean keepMappings) {
        // A consumer stuck in a component may still be inside drain(): its memory must stay mapped.
        if (!keepMappings && !closed) {
            ring.close();
        }
        closed = true;
    }
}
