package io.pkttrace.core.enrich;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.DefaultUse;
import io.pkttrace.api.Enricher;
import io.pkttrace.api.EnricherFactory;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.core.netns.NetnsNames;
import org.pf4j.Extension;

/** Built-in {@code netns-names}: names namespaces after their /run/netns entry (ip netns add NAME). */
@Extension
public final class NetnsNameEnricherFactory implements EnricherFactory<NetnsNames> {
    public static final String TYPE = "netns-names";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "adds the /run/netns name of each event's network namespace";
    }

    @Override
    public DefaultUse defaultUse() {
        return DefaultUse.always("trace", "ping");
    }

    @Override
    public NetnsNames configure(Options options) throws ConfigException {
        return new NetnsNames();
    }

    @Override
    public Enricher create(NetnsNames names) {
        return new CachingEnricher(names);
    }

    /**
     * Remembers each namespace's answer for a second in a small direct-mapped table, so that the
     * per-event path neither boxes the inode, nor allocates an Optional, nor takes NetnsNames' lock
     * (an unnamed namespace, such as the initial one, otherwise misses, locks and reads the clock on
     * every event). "Now" is the event's own timestamp (bpf_ktime_get_ns, CLOCK_MONOTONIC like
     * System.nanoTime), so the clock is not read per event either.
     */
    static final class CachingEnricher implements Enricher {
        private static final int SLOTS = 64;
        private static final long TTL_NANOS = 1_000_000_000L;
        private final NetnsNames names;
        private final long[] inodes = new long[SLOTS];
        private final String[] values = new String[SLOTS];
        private final long[] expires = new long[SLOTS];

        CachingEnricher(NetnsNames names) {
            this.names = names;
        }

        @Override
        public void enrich(PacketEvent event) {
            long inode = event.netnsInode();
            if (inode == 0) {
                return;
            }
            long now = event.timestampNs() != 0 ? event.timestampNs() : System.nanoTime();
            int slot = (int) (inode ^ (inode >>> 16)) & (SLOTS - 1);
            if (inodes[slot] != inode || now - expires[slot] >= 0) {
                values[slot] = names.nameOf(inode).orElse(null);
                inodes[slot] = inode;
                expires[slot] = now + TTL_NANOS;
            }
            event.netnsName(values[slot]);
        }
    }
}
