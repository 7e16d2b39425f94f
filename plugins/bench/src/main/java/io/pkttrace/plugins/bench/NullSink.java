package io.pkttrace.plugins.bench;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads every field of every event and throws it away: the cost of the pipeline itself, without
 * output. The fields are folded into a checksum published through a volatile field once per batch,
 * so the JIT cannot drop the reads. Allocates nothing per event.
 */
public final class NullSink implements Sink {
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private final boolean report;
    private final PrintStream err;
    private long events;
    private long sum;
    /** Published once per batch: makes the per-event work observable. */
    private volatile long published;

    public NullSink(boolean report, PrintStream err) {
        this.report = report;
        this.err = err;
    }

    @Override
    public void accept(PacketEvent e) {
        // Independent sums rather than one long multiply chain: reading a field should cost a load and
        // an add, so that this sink measures the pipeline, not itself.
        long wide = e.timestampNs() + e.netnsInode() + e.packetId() + e.socketInode()
                + (e.hasReturnValue() ? e.returnValue() : 1);
        int narrow = e.cpu() + e.ifindex() + e.pid() + e.family() + e.protocol() + e.srcPort() + e.dstPort()
                + e.icmpType() + e.icmpCode() + e.icmpId() + e.icmpSeq() + e.length() + e.dropReason();
        int text = hash(e.hook()) + hash(e.probe()) + hash(e.netnsName()) + hash(e.ifname()) + hash(e.nfTable())
                + hash(e.nfChain()) + hash(e.nfVerdict()) + hash(e.dropReasonName());
        byte[] s = e.srcBytes();
        byte[] d = e.dstBytes();
        long addr = (long) WORD.get(s, 0) + (long) WORD.get(s, 8) + (long) WORD.get(d, 0) + (long) WORD.get(d, 8);
        sum += wide + narrow + text + addr;
        events++;
    }

    private static int hash(String s) {
        return s == null ? 0 : s.hashCode(); // String caches its hash: no per-event work after the first
    }

    @Override
    public void flush() {
        published = sum;
    }

    @Override
    public void finish(RunStats stats) {
        published = sum;
        if (report) {
            err.printf("null: %d events read (checksum %016x)%n", events, published);
        }
    }

    /** Events seen so far. */
    public long events() {
        return events;
    }

    /** The checksum of every field read so far. */
    public long checksum() {
        return sum;
    }
}
