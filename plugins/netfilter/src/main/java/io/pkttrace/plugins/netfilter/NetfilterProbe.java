package io.pkttrace.plugins.netfilter;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.netns.Namespaces;
import io.pkttrace.netns.Native;
import io.pkttrace.plugins.netfilter.bpf.NfRecordDecoder;
import io.pkttrace.plugins.netfilter.correlate.HookRecords;
import io.pkttrace.plugins.netfilter.correlate.TraceCorrelator;
import io.pkttrace.plugins.netfilter.nft.MarkingTable;
import io.pkttrace.plugins.netfilter.ns.NamespaceWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Netfilter verdicts per packet.
 *
 * <p>Mechanisms, chosen in this order and reported:
 * <ol>
 * <li><b>nftrace</b> (nf_tables, every kernel since 4.6): pkttrace's own table, owned by its netlink
 * socket so the kernel deletes it when pkttrace ends (also on SIGKILL), sets {@code meta nftrace}
 * on the packets the user's filter selects; the kernel then reports every base chain they traverse
 * with table, chain, verdict and the rule's handle, on NFNLGRP_NFTRACE of each namespace. It does not
 * change any rule of the user's or any verdict. Rules written with iptables-nft are nf_tables rules
 * and are covered; legacy x_tables are not.</li>
 * <li><b>BPF netfilter program</b> (Linux >= 6.4, BPF link per namespace and hook): records each
 * selected packet's skb address and headers at hook entry, which is how trace messages (whose id
 * is a keyed hash, not the skb) are matched to netpath's device events of the same packet. We use
 * it as that cross-reference and not as a verdict source: a program at a priority sees a packet but
 * not the verdict of the chains around it, only that it did or did not reach the next program, which
 * names neither rule nor table on hooks with several chains.</li>
 * <li><b>fexit</b>, else <b>kprobe + kretprobe</b>, on nft_do_chain / ipt_do_table / ip6t_do_table:
 * each base chain's verdict without adding any rule, also for legacy iptables, but not which rule
 * decided. With {@code mechanism=auto} they are used for legacy iptables only (nftrace names the
 * rule for nf_tables); {@code mechanism=fexit|kretprobe} uses them alone.</li>
 * </ol>
 */
final class NetfilterProbe implements Probe {
    static final String OBJECT = "/bpf/netfilter.bpf.o";
    static final String HOOK_PROGRAM = "pt_nf_hook";
    /** Just before pkttrace's marking chain (INT_MIN itself is reserved for BPF links). */
    static final int HOOK_PRIORITY = Integer.MIN_VALUE + 1;
    static final List<String> NFT_FUNCTIONS = List.of("nft_do_chain");
    static final List<String> XT_FUNCTIONS = List.of("ipt_do_table", "ip6t_do_table");
    /** Every program of the object, to switch autoload off for those not used. */
    static final List<String> PROGRAMS = List.of(HOOK_PROGRAM, "pt_nft_do_chain_exit", "pt_ipt_do_table_exit",
            "pt_ip6t_do_table_exit", "pt_nft_do_chain_entry", "pt_ipt_do_table_entry", "pt_ip6t_do_table_entry",
            "pt_nf_do_return");

    private final NetfilterConfig config;
    private final String table;
    private ProbeContext context;
    private NamespaceWorker worker;
    private NetfilterSource source;
    private TraceCorrelator correlator;
    private HookRecords records;
    private final List<BpfObject> objects = new ArrayList<>();

    NetfilterProbe(NetfilterConfig config) {
        this.config = config;
        this.table = MarkingTable.PREFIX + ProcessHandle.current().pid() + "_"
                + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xf000));
    }

    @Override
    public List<String> describe() {
        return switch (config.mechanism()) {
            case AUTO -> List.of("nftrace (table inet " + table + ")", "netfilter hooks (BPF link)",
                    "legacy iptables: fexit/kretprobe ipt_do_table, ip6t_do_table");
            case NFTRACE -> List.of("nftrace (table inet " + table + ")", "netfilter hooks (BPF link)");
            case FEXIT -> List.of("fexit nft_do_chain, ipt_do_table, ip6t_do_table");
            case KRETPROBE -> List.of("kprobe/kretprobe nft_do_chain, ipt_do_table, ip6t_do_table");
        };
    }

    @Override
    public void start(ProbeContext ctx) throws PkttraceException {
        this.context = ctx;
        try {
            startMechanisms(ctx);
        } catch (PkttraceException e) {
            if (!config.optional()) {
                throw e;
            }
            stop(); // objects already handed to the engine stay open until it closes them
            source = null;
            ctx.report("netfilter: verdicts are not shown: " + e.userLine());
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NetfilterProbe.class);

    private void startMechanisms(ProbeContext ctx) throws PkttraceException {
        requireCapabilities();
        List<MechanismChoice> choices = NetfilterMechanisms.choose(config, ctx.kernel());
        MechanismChoice verdicts = MechanismChoice.of(choices, NetfilterMechanisms.VERDICTS);
        if (!verdicts.available()) {
            throw new PkttraceException("netfilter: " + verdicts.why() + verdicts.notUsedClause(),
                    config.mechanism() == NetfilterConfig.Mechanism.AUTO ? "see pkttrace doctor"
                            : "use mechanism=auto (see pkttrace doctor)");
        }
        records = new HookRecords();
        NfRecordDecoder decoder = new NfRecordDecoder(records);
        if (NetfilterMechanisms.NFTRACE.equals(verdicts.mechanism())) {
            long t0 = System.nanoTime();
            startNftrace(ctx, decoder, verdicts, choices);
            LOG.debug("netfilter: nftrace started in {} ms", (System.nanoTime() - t0) / 1_000_000);
        } else {
            List<String> fns = new ArrayList<>(NFT_FUNCTIONS);
            fns.addAll(XT_FUNCTIONS);
            String why = attachVerdicts(ctx, decoder, fns, NetfilterMechanisms.KRETPROBE.equals(verdicts.mechanism()));
            if (why != null) {
                throw new PkttraceException("netfilter: " + verdicts.mechanism() + " could not be attached: " + why,
                        "use mechanism=auto (nftables tracing)");
            }
            ctx.reportAttached("netfilter", verdicts, "on " + String.join(", ", fns));
        }
        choices.stream().filter(c -> c.hook().equals(NetfilterMechanisms.LEGACY)).findFirst().ifPresent(legacy -> {
            if (!legacy.available()) {
                ctx.report("netfilter: legacy iptables (x_tables) verdicts are not traced: " + String.join("; ", legacy.notUsed()));
                return;
            }
            long t0 = System.nanoTime();
            String why = attachVerdicts(ctx, decoder, XT_FUNCTIONS, NetfilterMechanisms.KRETPROBE.equals(legacy.mechanism()));
            LOG.debug("netfilter: legacy verdict programs attached in {} ms", (System.nanoTime() - t0) / 1_000_000);
            if (why != null) {
                ctx.report("netfilter: legacy iptables (x_tables) verdicts are not traced: " + legacy.mechanism() + ": " + why);
            } else {
                ctx.reportAttached("netfilter", legacy, "on " + String.join(", ", XT_FUNCTIONS));
            }
        });
    }

    private static void requireCapabilities() throws PkttraceException {
        long caps = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            caps = 0;
        }
        boolean netAdmin = (caps & (1L << 12)) != 0;
        boolean sysAdmin = (caps & (1L << 21)) != 0;
        if (!netAdmin || !sysAdmin) {
            throw new PkttraceException("the netfilter probe needs CAP_NET_ADMIN (nftables tracing) and CAP_SYS_ADMIN"
                    + " (entering namespaces)", "run pkttrace as root, or without --probe netfilter");
        }
    }

    private void startNftrace(ProbeContext ctx, NfRecordDecoder decoder, MechanismChoice verdicts,
                              List<MechanismChoice> choices) throws PkttraceException {
        Native n = Native.get();
        NamespaceWorker.HookProgram hooks = null;
        MechanismChoice match = MechanismChoice.of(choices, NetfilterMechanisms.PACKET_MATCH);
        if (match.available()) {
            BpfObject obj = ctx.openResource("netfilter", NetfilterProbe.class, OBJECT);
            objects.add(obj);
            autoload(obj, List.of(HOOK_PROGRAM));
            try {
                long t0 = System.nanoTime();
                obj.load();
                LOG.debug("netfilter: hook program loaded in {} ms", (System.nanoTime() - t0) / 1_000_000);
                ctx.consume(obj, decoder);
                hooks = new NamespaceWorker.HookProgram(obj, HOOK_PROGRAM, HOOK_PRIORITY);
            } catch (PkttraceException e) {
                obj.close(); // load failed: not handed to the engine
                ctx.report("netfilter: verdicts are not matched to packets (no packet id; time of reading): the BPF netfilter"
                        + " program did not load (" + e.getMessage() + ")");
            }
        } else {
            ctx.report("netfilter: " + match.hook() + " not used: " + match.why() + match.notUsedClause());
        }
        worker = new NamespaceWorker(n, new Namespaces(), config, table, ctx.filterRules(), hooks, ctx::report);
        worker.start();
        boolean matched = worker.hookProgram() != null;
        correlator = new TraceCorrelator(table, config.continues(), records, matched, worker::requestRefresh);
        source = new NetfilterSource(worker, correlator, records);
        ctx.consume(source);
        ctx.reportAttached("netfilter", verdicts, null);
        ctx.report("netfilter: nftrace: table inet " + table
                + (worker.ownedTables() ? " (owned by pkttrace's netlink socket: the kernel removes it when pkttrace exits,"
                + " also on SIGKILL)" : "") + " marks the selected packets with meta nftrace at every hook that has chains,"
                + " in " + worker.tracedCount() + (worker.tracedCount() == 1 ? " namespace" : " namespaces")
                + " and in new ones as they appear");
        if (matched) {
            ctx.reportAttached("netfilter", match, null);
        }
    }

    private void autoload(BpfObject obj, List<String> on) throws PkttraceException {
        for (String p : PROGRAMS) {
            obj.setAutoload(p, on.contains(p));
        }
    }

    private String attachVerdicts(ProbeContext ctx, NfRecordDecoder decoder, List<String> functions, boolean kprobe) {
        List<String> programs = new ArrayList<>();
        for (String fn : functions) {
            String base = "pt_" + fn;
            programs.add(kprobe ? base + "_entry" : base + "_exit");
        }
        if (kprobe) {
            programs.add("pt_nf_do_return");
        }
        BpfObject obj = null;
        boolean consumed = false;
        try {
            obj = ctx.openResource("netfilter-" + (kprobe ? "kprobe" : "fexit"), NetfilterProbe.class, OBJECT);
            autoload(obj, programs);
            obj.load();
            ctx.consume(obj, decoder);
            consumed = true;
            for (String fn : functions) {
                String base = "pt_" + fn;
                if (kprobe) {
                    obj.attachKprobe(base + "_entry", fn, false);
                    obj.attachKprobe("pt_nf_do_return", fn, true);
                } else {
                    obj.attach(base + "_exit");
                }
            }
            objects.add(obj);
            return null;
        } catch (PkttraceException e) {
            if (consumed) {
                obj.detach(); // its (empty) ring is the engine's now: it closes it at the end
            } else if (obj != null) {
                obj.close();
            }
            return e.getMessage().replace('\n', ' ');
        }
    }

    @Override
    public void stop() {
        if (source != null) {
            source.stopped();
        }
        if (worker != null) {
            long t0 = System.nanoTime();
            worker.stop(); // tables and hook links go; sockets stay for the last drain
            LOG.debug("netfilter: namespaces released in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
        for (BpfObject o : objects) {
            o.detach();
        }
    }

    @Override
    public void close() {
        stop();
        if (source != null) {
            source.closeAll();
            report();
            source = null;
        }
        for (BpfObject o : objects) {
            o.close();
        }
        objects.clear();
    }

    /** What the user should know about the run's correlation and losses: never silent. */
    private void report() {
        long lost = source.lost();
        if (lost > 0) {
            context.report("netfilter: " + lost + " trace messages were lost because a netlink receive buffer was full:"
                    + " raise rcvbuf (now " + config.rcvbufBytes() + " bytes) or narrow the filter"
                    + (correlator.lostPass() > 0 ? " (" + correlator.lostPass() + " verdicts whose hook pass was among them"
                    + " are not shown)" : ""));
        }
        if (correlator.withoutRecord() > 0 && worker.hookProgram() != null) {
            context.report("netfilter: " + correlator.withoutRecord() + " hook passes could not be matched to a packet"
                    + " (no hook record): their verdicts show no packet id");
        }
        if (correlator.ambiguous() > 0) {
            context.report("netfilter: " + correlator.ambiguous() + " hook passes were matched among packets with"
                    + " identical headers (oldest first)");
        }
        if (correlator.staleTexts() > 0) {
            context.report("netfilter: " + correlator.staleTexts() + " verdicts show a rule text marked stale:"
                    + " the ruleset changed before it could be listed");
        }
    }
}
