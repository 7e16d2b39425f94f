package io.pkttrace.plugins.netfilter;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.DefaultUse;
import io.pkttrace.api.Enricher;
import io.pkttrace.api.EnricherFactory;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.pf4j.Extension;

/**
 * {@code --enrich netfilter-drops}: a drop with reason NETFILTER_DROP names the rule that dropped the
 * packet (table, chain, verdict, handle, text), taken from the netfilter probe's DROP or REJECT
 * verdict for the same packet id just before. The engine hands enrichers events in time order when
 * several probes run, so the verdict is seen first. Runs whenever the netfilter probe does
 * ({@link DefaultUse#withProbe}).
 */
@Extension
public final class DropRuleEnricherFactory implements EnricherFactory<Object> {
    public static final String TYPE = "netfilter-drops";
    /** A verdict names a drop of the same packet at most this much later. */
    static final long MAX_DELAY_NS = 1_000_000_000L;
    static final int MAX_REMEMBERED = 4096;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "names the rule that dropped a packet on its NETFILTER_DROP row";
    }

    @Override
    public DefaultUse defaultUse() {
        return DefaultUse.withProbe(NetfilterProbeFactory.TYPE);
    }

    @Override
    public Object configure(Options options) throws ConfigException {
        return Boolean.TRUE;
    }

    @Override
    public Enricher create(Object config) {
        return new DropRuleEnricher();
    }

    /** Remembers the last DROP/REJECT verdict per packet id and copies it onto the drop event. */
    static final class DropRuleEnricher implements Enricher {
        private final LinkedHashMap<Long, PacketEvent> verdicts = new LinkedHashMap<>();

        @Override
        public void enrich(PacketEvent e) {
            if (e.packetId() == 0) {
                return;
            }
            if (NetfilterProbeFactory.TYPE.equals(e.probe())) {
                if ("DROP".equals(e.nfVerdict()) || "REJECT".equals(e.nfVerdict())) {
                    remember(e);
                }
                return;
            }
            if ("drop".equals(e.hook()) && e.nfTable() == null && "NETFILTER_DROP".equals(e.dropReasonName())) {
                PacketEvent v = verdicts.remove(e.packetId());
                if (v != null && e.timestampNs() - v.timestampNs() <= MAX_DELAY_NS) {
                    e.netfilter(v.nfTable(), v.nfChain(), v.nfVerdict()).nfFamily(v.nfFamily())
                            .nfRule(v.nfRuleHandle(), v.nfRule(), v.nfRuleStale()).nfPolicy(v.nfPolicy());
                }
            }
        }

        private void remember(PacketEvent e) {
            PacketEvent slot = verdicts.remove(e.packetId());
            if (slot == null && verdicts.size() >= MAX_REMEMBERED) {
                Iterator<PacketEvent> oldest = verdicts.values().iterator();
                slot = oldest.next();
                oldest.remove();
            }
            verdicts.put(e.packetId(), (slot == null ? new PacketEvent() : slot).copyFrom(e));
        }
    }
}
