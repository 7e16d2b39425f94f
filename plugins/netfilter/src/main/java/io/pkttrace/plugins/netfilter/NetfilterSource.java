package io.pkttrace.plugins.netfilter;

import io.pkttrace.api.EventSource;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.plugins.netfilter.correlate.HookRecords;
import io.pkttrace.plugins.netfilter.correlate.NsTrace;
import io.pkttrace.plugins.netfilter.correlate.TraceCorrelator;
import io.pkttrace.plugins.netfilter.ns.NamespaceWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verdict events of every traced namespace, read on the engine's consumer thread: after the
 * engine has drained the rings (so the hook records of the messages read now are usually in), it
 * reads each namespace's trace socket without blocking and lets the correlator decide.
 */
final class NetfilterSource implements EventSource {
    private static final Logger LOG = LoggerFactory.getLogger(NetfilterSource.class);

    private final NamespaceWorker worker;
    private final TraceCorrelator correlator;
    private final HookRecords records;
    private final List<NsTrace> traced = new ArrayList<>();
    private volatile boolean stopped;
    private boolean stopSeen;
    private long lostBefore; // drops of namespaces already closed
    private long lastExpire;

    NetfilterSource(NamespaceWorker worker, TraceCorrelator correlator, HookRecords records) {
        this.worker = worker;
        this.correlator = correlator;
        this.records = records;
    }

    @Override
    public String name() {
        return "netfilter";
    }

    /** From now on nothing waits: the probe stopped marking, what is left is drained. */
    void stopped() {
        stopped = true;
    }

    @Override
    public int poll(Consumer<PacketEvent> out) {
        for (NsTrace ns = worker.nextAdded(); ns != null; ns = worker.nextAdded()) {
            traced.add(ns);
        }
        long now = System.nanoTime();
        if (now - lastExpire > 100_000_000L) {
            records.expire(now);
            lastExpire = now;
        }
        int total = 0;
        // The poll that first sees the stop may follow a ring read made before it: records of the last
        // packets can still be in the ring. Nothing waits from the next poll on (see EventSource#poll).
        boolean last = stopSeen;
        stopSeen = stopped;
        for (int i = 0; i < traced.size(); i++) {
            NsTrace ns = traced.get(i);
            boolean closing = ns.closing; // read before draining: what was sent before it is in the socket
            try {
                total += correlator.poll(ns, now, last || closing, out);
            } catch (PkttraceException e) {
                LOG.warn("netfilter: reading namespace {} failed: {}", ns.label, e.getMessage());
                correlator.forget(ns);
            }
            if (closing && correlator.drained(ns)) {
                close(ns);
                traced.remove(i--);
            }
        }
        return total;
    }

    private void close(NsTrace ns) {
        lostBefore += ns.socket.drops();
        ns.socket.close();
        correlator.forget(ns);
    }

    @Override
    public long lost() {
        long n = lostBefore;
        for (NsTrace ns : traced) {
            n += ns.socket.drops();
        }
        return n;
    }

    /** Closes what the consumer did not (it never ran, or stopped early). */
    void closeAll() {
        for (NsTrace ns : traced) {
            close(ns);
        }
        traced.clear();
        for (NsTrace ns = worker.nextAdded(); ns != null; ns = worker.nextAdded()) {
            close(ns);
        }
    }
}
