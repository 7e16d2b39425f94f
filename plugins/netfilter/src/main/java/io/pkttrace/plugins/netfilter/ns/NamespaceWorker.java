package io.pkttrace.plugins.netfilter.ns;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.TupleRules;
import io.pkttrace.netns.Namespaces;
import io.pkttrace.netns.Native;
import io.pkttrace.netns.NetnsThread;
import io.pkttrace.plugins.netfilter.NetfilterConfig;
import io.pkttrace.plugins.netfilter.correlate.NsTrace;
import io.pkttrace.plugins.netfilter.nft.MarkingTable;
import io.pkttrace.plugins.netfilter.nft.NftContext;
import io.pkttrace.plugins.netfilter.nft.Ruleset;
import io.pkttrace.plugins.netfilter.sys.NetlinkSocket;
import io.pkttrace.plugins.netfilter.trace.NfNetlink;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that enters namespaces. In each traced namespace it opens, in this order, the
 * trace socket (so nothing is missed), a libnftables context (listing the ruleset, removing tables
 * an earlier pkttrace left behind), the BPF hook links, and last pkttrace's marking table, owned by
 * that context's socket. It finds namespaces that appear while the trace runs (/run/netns is
 * watched, processes are scanned), lets go of those that disappear, and lists a namespace's ruleset
 * again when the consumer saw it change. Letting go removes the table and the links, then hands the
 * socket to the consumer to drain and close.
 */
public final class NamespaceWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceWorker.class);
    private static final long SCAN_INTERVAL_NS = 250_000_000L;
    private static final Pattern LEFTOVER = Pattern.compile(Pattern.quote(MarkingTable.PREFIX) + "(\\d+)(?:_\\w+)?");

    /** The BPF program recording hook entries, or null to trace without packet ids. */
    public record HookProgram(BpfObject object, String program, int priority) {
    }

    private final Native n;
    private final NetnsThread netns;
    private final Namespaces scanner;
    private final NetfilterConfig config;
    private final String table;
    private final TupleRules rules;
    private final Consumer<String> report;
    private final HookProgram hooks;
    /** False once attaching hook programs failed: this kernel cannot, nothing more is tried. */
    private volatile boolean linksWork;
    private final Map<Long, NsTrace> traced = new LinkedHashMap<>();
    private final Set<Long> failed = new HashSet<>();
    private final Queue<NsTrace> added = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<NsTrace> refresh = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> initial = new CompletableFuture<>();
    private volatile boolean owned = true;
    private volatile boolean stopping;
    private Thread thread;
    private WatchService watch;

    public NamespaceWorker(Native n, Namespaces scanner, NetfilterConfig config, String table, TupleRules rules,
                           HookProgram hooks, Consumer<String> report) {
        this.n = n;
        this.netns = new NetnsThread(n);
        this.scanner = scanner;
        this.config = config;
        this.table = table;
        this.rules = rules;
        this.hooks = hooks;
        this.linksWork = hooks != null;
        this.report = report;
    }

    /** Starts the thread and waits until every namespace present now is traced (or the first failed). */
    public void start() throws PkttraceException {
        thread = new Thread(this::run, "pkttrace-netfilter-netns");
        thread.setDaemon(true);
        thread.start();
        try {
            initial.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            stop();
            if (e.getCause() instanceof PkttraceException p) {
                throw p;
            }
            throw new IllegalStateException("netfilter: setting up namespaces failed", e.getCause());
        } catch (TimeoutException e) {
            stop();
            throw new PkttraceException("netfilter: setting up the traced namespaces took longer than 60 s", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new PkttraceException("interrupted", null);
        }
    }

    /** Namespaces set up since the last call (consumer thread). */
    public NsTrace nextAdded() {
        return added.poll();
    }

    /** Asks for a new listing of the namespace's ruleset (any thread). */
    public void requestRefresh(NsTrace ns) {
        refresh.offer(ns);
    }

    /** True when the kernel took the owner flag (tables vanish with pkttrace, also on SIGKILL). */
    public boolean ownedTables() {
        return owned;
    }

    /** The hook program, or null when verdicts are not matched to packets. */
    public HookProgram hookProgram() {
        return linksWork ? hooks : null;
    }

    /** Removes every table and link; sockets are left to the consumer to drain. Idempotent. */
    public void stop() {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            // In parallel: each hook unregistered waits for an RCU grace period; those waits overlap.
            List<Thread> threads = new ArrayList<>();
            for (NsTrace ns : traced.values()) {
                Thread t = new Thread(() -> release(ns), "pkttrace-netfilter-release");
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            traced.clear();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        try {
            watch = scanner.watchNamed();
            update(true);
            initial.complete(null);
        } catch (PkttraceException | RuntimeException e) {
            initial.completeExceptionally(e);
            netns.release();
            return;
        }
        long lastScan = System.nanoTime();
        try {
            while (!stopping) {
                NsTrace r = refresh.poll(50, TimeUnit.MILLISECONDS);
                Set<NsTrace> wanted = new HashSet<>();
                for (; r != null; r = refresh.poll()) {
                    wanted.add(r);
                }
                for (NsTrace ns : wanted) {
                    relist(ns);
                }
                boolean changed = watch != null && watch.poll() != null;
                if (changed || System.nanoTime() - lastScan >= SCAN_INTERVAL_NS) {
                    if (changed) {
                        drainWatch();
                    }
                    update(false);
                    lastScan = System.nanoTime();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopping
        } catch (PkttraceException | RuntimeException e) {
            LOG.warn("netfilter: namespace thread failed: {}", e.toString());
            report.accept("netfilter: new namespaces are no longer picked up: " + e.getMessage());
        } finally {
            if (watch != null) {
                try {
                    watch.close();
                } catch (IOException e) {
                    // closing
                }
            }
            netns.release();
        }
    }

    private void drainWatch() {
        for (var k = watch.poll(); k != null; k = watch.poll()) {
            k.pollEvents();
            k.reset();
        }
    }

    /** Sets up new namespaces and lets go of vanished ones. The first call fails on the first error. */
    private synchronized void update(boolean first) throws PkttraceException {
        Map<Long, Namespaces.Found> now = scanner.scan();
        for (Namespaces.Found f : now.values()) {
            if (stopping) {
                return;
            }
            if (traced.containsKey(f.inode()) || failed.contains(f.inode()) || !config.traces(f.inode(), f.name())) {
                continue;
            }
            try {
                long t0 = System.nanoTime();
                NsTrace ns = setUp(f);
                LOG.debug("netfilter: namespace {} set up in {} ms", f.label(), (System.nanoTime() - t0) / 1_000_000);
                traced.put(f.inode(), ns);
                added.add(ns);
            } catch (PkttraceException e) {
                boolean vanished = !Files.exists(f.path()); // deleted between the scan and now: not a failure
                if (first && traced.isEmpty() && !vanished) {
                    throw e; // the very first namespace: a problem of this host, not of one namespace
                }
                failed.add(f.inode());
                if (!vanished) {
                    report.accept("netfilter: namespace " + f.label() + " is not traced: " + e.userLine());
                }
            }
        }
        if (first && traced.isEmpty() && !config.namespaces().isEmpty()) {
            throw new PkttraceException("netfilter: none of the namespaces " + String.join(", ", config.namespaces())
                    + " exists", "list them with: ip netns list");
        }
        for (var it = traced.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!now.containsKey(e.getKey())) {
                it.remove();
                release(e.getValue());
                report.accept("netfilter: namespace " + e.getValue().label + " is gone: its trace ended");
            }
        }
        failed.retainAll(now.keySet());
    }

    private NsTrace setUp(Namespaces.Found f) throws PkttraceException {
        return netns.in(f.path(), () -> {
            NetlinkSocket socket = NetlinkSocket.open(n, config.rcvbufBytes(), NfNetlink.NFNLGRP_NFTRACE, NfNetlink.NFNLGRP_NFTABLES);
            NsTrace ns = new NsTrace(f.inode(), f.path(), f.label(), socket);
            try {
                ns.nft = NftContext.open();
                Ruleset r = Ruleset.parse(ns.nft.run("list ruleset"));
                if (removeLeftovers(ns, r)) {
                    r = Ruleset.parse(ns.nft.run("list ruleset"));
                }
                ns.publish(r, 0);
                createTable(ns);
                markHooks(ns, r);
                return ns;
            } catch (PkttraceException | RuntimeException e) {
                release(ns);
                socket.close();
                throw e;
            }
        });
    }

    /**
     * Marks packets at the hooks where the ruleset has chains and were not marked yet: first the BPF
     * hook programs for IPv4 and IPv6 (so that a hook entry is recorded before it is reported), then
     * the marking chain. Run inside the namespace (links belong to the caller's namespace).
     */
    private void markHooks(NsTrace ns, Ruleset r) throws PkttraceException {
        List<String> added = new ArrayList<>();
        for (String hook : MarkingTable.hooksWithChains(r)) {
            if (ns.markedHooks.add(hook)) {
                attachHooks(ns, NfNetlink.hookNumber(hook));
                added.add(hook);
            }
        }
        if (!added.isEmpty()) {
            ns.nft.run(MarkingTable.chains(table, rules, added));
        }
    }

    /** BPF hook programs at one hook for IPv4 and IPv6; without them verdicts carry no packet id. */
    private void attachHooks(NsTrace ns, int hook) {
        HookProgram h = hooks;
        if (!linksWork) {
            return;
        }
        try {
            for (int pf : new int[] {NfNetlink.NFPROTO_IPV4, NfNetlink.NFPROTO_IPV6}) {
                ns.links.add(h.object().attachNetfilter(h.program(), pf, hook, h.priority()));
            }
        } catch (PkttraceException e) {
            for (BpfObject.Attachment a : ns.links) {
                h.object().detach(a);
            }
            ns.links.clear();
            linksWork = false; // this kernel cannot: do not try again
            report.accept("netfilter: verdicts are not matched to packets (no packet id, time of reading): " + e.userLine());
        }
    }

    private void createTable(NsTrace ns) throws PkttraceException {
        try {
            ns.nft.run(MarkingTable.table(table, owned));
        } catch (NftContext.NftException e) {
            if (e.notPermitted()) {
                throw new PkttraceException("netfilter: the kernel refused pkttrace's nftables table (Operation not permitted)",
                        "run pkttrace as root (netfilter tracing needs CAP_NET_ADMIN)");
            }
            if (!owned || !e.nftError().contains("owner")) {
                throw unsupported(e);
            }
            // Kernels before 5.12 have no owner flag: the table is then deleted on exit by pkttrace itself.
            owned = false;
            report.accept("netfilter: this kernel has no table owner flag (Linux >= 5.12): table inet " + table
                    + " is removed when pkttrace ends, but a SIGKILL leaves it until the next pkttrace starts");
            try {
                ns.nft.run(MarkingTable.table(table, false));
            } catch (NftContext.NftException again) {
                throw unsupported(again);
            }
        }
    }

    static PkttraceException unsupported(NftContext.NftException e) {
        if (e.unsupported()) {
            return new PkttraceException("netfilter: this kernel has no usable nf_tables (" + e.getMessage() + ")",
                    "netfilter tracing needs CONFIG_NF_TABLES and CONFIG_NF_TABLES_INET; use --probe netpath alone");
        }
        return new PkttraceException("netfilter: cannot create pkttrace's nftables table (" + e.getMessage() + ")", null);
    }

    /**
     * Deletes pkttrace tables of processes that no longer run and that the kernel did not remove
     * (made without the owner flag). Owned tables of running pkttraces are left alone (the kernel
     * would refuse anyway).
     */
    private boolean removeLeftovers(NsTrace ns, Ruleset r) {
        boolean removed = false;
        for (Ruleset.Table t : r.tables()) {
            Matcher m = LEFTOVER.matcher(t.name());
            if (!m.matches() || t.name().equals(table) || t.owned()) {
                continue;
            }
            if (Files.exists(Path.of("/proc", m.group(1)))) {
                continue; // its pkttrace still runs
            }
            try {
                ns.nft.run("delete table " + t.family() + " " + t.name());
                report.accept("netfilter: removed table " + t.family() + " " + t.name() + " left behind by an earlier pkttrace"
                        + " in namespace " + ns.label);
                removed = true;
            } catch (PkttraceException e) {
                report.accept("netfilter: could not remove table " + t.name() + " left by an earlier pkttrace in namespace "
                        + ns.label + ": " + e.getMessage());
            }
        }
        return removed;
    }

    private void relist(NsTrace ns) {
        long want = ns.refreshWanted();
        if (want < 0 || ns.nft == null) {
            return;
        }
        try {
            // Listed from inside the namespace: interface names in rules (iifname...) resolve there.
            netns.in(ns.path, () -> {
                Ruleset r = Ruleset.parse(ns.nft.run("list ruleset"));
                ns.publish(r, want);
                markHooks(ns, r); // chains added at a hook not marked yet
                return null;
            });
        } catch (PkttraceException e) {
            LOG.debug("netfilter: listing {} failed: {}", ns.label, e.getMessage());
        }
    }

    /** Removes the table (closing the owner socket, or deleting it) and the links; the consumer closes the trace socket. */
    private void release(NsTrace ns) {
        if (ns.nft != null) {
            if (!owned) {
                try {
                    ns.nft.run("delete table inet " + table);
                } catch (PkttraceException e) {
                    LOG.debug("netfilter: deleting table in {}: {}", ns.label, e.getMessage());
                }
            }
            ns.nft.close(); // owned: the kernel deletes the table as this socket closes
            ns.nft = null;
        }
        HookProgram h = hooks;
        if (h != null) {
            for (BpfObject.Attachment a : ns.links) {
                h.object().detach(a);
            }
        }
        ns.links.clear();
        ns.markedHooks.clear();
        ns.closing = true;
    }

    /** How many namespaces are traced now. */
    public synchronized int tracedCount() {
        return traced.size();
    }

    /** For tests: the namespaces by inode. */
    synchronized Map<Long, NsTrace> traced() {
        return new HashMap<>(traced);
    }
}
