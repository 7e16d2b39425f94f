package io.pkttrace.plugins.netpath.stacked;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.netns.Namespaces;
import io.pkttrace.netns.Native;
import io.pkttrace.netns.NetnsThread;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receive on stacked devices, which {@code tp_btf/netif_receive_skb} does not see: the lower device's
 * rx handler (macvlan, ipvlan, bonding, team, ...) or VLAN untagging sets skb->dev to the upper device
 * and {@code __netif_receive_skb_core} goes round again past the tracepoint.
 *
 * <p>Mechanism, chosen after trying the alternatives on 6.18: an AF_PACKET socket bound to each
 * stacked device, with the probe's {@code pt_stacked_rx} as its BPF socket filter. A device's packet
 * taps ({@code dev->ptype_all}, what tcpdump uses) are walked in every round, so the filter sees the
 * upper device's receive exactly where tcpdump does; it records the sk_buff (same packet id as the
 * tracepoints) and accepts nothing. Bound to one device, a tap costs nothing on any other device, so
 * veth and physical traffic pay exactly what they paid before; the packet is not changed (the tap holds
 * a reference only while the filter runs); and the socket disappears with the process, even on
 * SIGKILL. Not chosen:
 * <ul>
 *   <li>tc/tcx ingress programs on the stacked devices: attaching one turns on the kernel's global
 *       ingress static key, so every packet on every device of the host takes the ingress call, and
 *       the traced packets get skb->cb and tc_at_ingress written; before 6.6 (no tcx) it needs a
 *       clsact qdisc that stays behind after SIGKILL and collides with the user's own;</li>
 *   <li>a BPF netfilter program at the first PRE_ROUTING priority: it runs for every IPv4/IPv6
 *       packet received in the namespace, veth and physical included, and never sees non-IP frames or
 *       frames a stacked device hands to a bridge.</li>
 * </ul>
 * The price: an open socket holds its network namespace, so a namespace deleted while traced lives on
 * until the next scan closes its taps (at once for {@code ip netns del}, which this class watches;
 * within {@link #RESCAN_MS} ms for a namespace whose last process exits).
 *
 * <p>Which devices: those whose rtnetlink kind is in {@link #STACKED_KINDS}, in every namespace
 * {@link Namespaces} finds, rescanned every {@link #RESCAN_MS} ms and on every change in
 * {@code /run/netns}, so devices and namespaces created while tracing are covered. All namespace work
 * happens on one thread, which enters each namespace with setns(2).
 */
public final class StackedRxTaps implements AutoCloseable {
    /**
     * Link kinds whose receive happens in another round of {@code __netif_receive_skb_core}:
     * RX_HANDLER_ANOTHER from the lower device's rx handler, or vlan_do_receive.
     */
    public static final Set<String> STACKED_KINDS = Set.of("macvlan", "macvtap", "ipvlan", "ipvtap", "vlan", "bond",
            "team", "macsec", "net_failover");
    static final long RESCAN_MS = 1000;
    /** The start of the line saying that the taps could not be set up; the reason follows. */
    public static final String NOT_TRACED = "netpath: rx on stacked devices (macvlan, ipvlan, VLAN, bond, team) not traced: ";
    private static final long FIRST_SCAN_TIMEOUT_S = 10;
    private static final Logger LOG = LoggerFactory.getLogger(StackedRxTaps.class);

    /** Loads the taps' socket filter and returns its fd. */
    @FunctionalInterface
    public interface FilterLoader {
        int load() throws PkttraceException;
    }

    /** One tapped device. */
    record Device(long netns, int ifindex) {
    }

    private final Namespaces namespaces;
    private final Consumer<String> report;
    private final Map<Device, PacketTap> taps = new HashMap<>();
    private final Map<Device, String> names = new HashMap<>();
    private final CompletableFuture<FilterLoader> loader = new CompletableFuture<>();
    private final CountDownLatch firstScan = new CountDownLatch(1);
    private final Set<String> reportedErrors = new HashSet<>();
    private volatile boolean stopping;
    private volatile PkttraceException failure;
    private volatile List<String> tapped = List.of();
    private Thread thread;
    private WatchService watch;
    private long begun;

    /** @param report where to tell the user about taps added while tracing and about failures */
    public StackedRxTaps(Namespaces namespaces, Consumer<String> report) {
        this.namespaces = namespaces;
        this.report = report;
    }

    /**
     * Starts the watcher, which at once looks for stacked devices without tapping them yet: the first
     * pass through every namespace is the slow one (cold code), and it runs while the probe loads.
     */
    public void begin() {
        begun = System.nanoTime();
        watch = namespaces.watchNamed();
        thread = new Thread(this::run, "pkttrace-netpath-taps");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Taps every stacked device with the {@code pt_stacked_rx} socket filter; returns once every one
     * present now is tapped (or after 10 s), then keeps following new ones. The filter is loaded with
     * {@code filter} when the first stacked device is found, now or later: its libbpf load parses the
     * kernel's whole BTF (for its kfunc), which a host without stacked devices never needs to wait for.
     * A failure to load it now is thrown; later, it is reported and no device is tapped.
     */
    public void attach(FilterLoader filter) throws PkttraceException {
        long loaded = System.nanoTime();
        loader.complete(filter);
        try {
            if (!firstScan.await(FIRST_SCAN_TIMEOUT_S, TimeUnit.SECONDS)) {
                report.accept("netpath: stacked devices are still being looked for after " + FIRST_SCAN_TIMEOUT_S
                        + " s; their receive is traced once found");
            }
            if (failure != null) {
                throw failure;
            }
            LOG.debug("stacked-device taps ready {} ms after the watcher began, {} ms after the probe loaded",
                    (System.nanoTime() - begun) / 1_000_000, (System.nanoTime() - loaded) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PkttraceException("interrupted", null);
        }
    }

    /** "mv0 (macvlan) in 4026532386", one per tapped device, as of the last scan. */
    public List<String> tapped() {
        return tapped;
    }

    private void run() {
        Native n;
        try {
            n = Native.get(); // binding libc takes a while: here, not on the thread that loads the probe
        } catch (PkttraceException e) {
            failure = e;
            firstScan.countDown();
            return;
        }
        try (NetnsThread entry = new NetnsThread(n)) {
            LinkDump dump = new LinkDump(n);
            Map<Long, Stacked> found = find(entry, dump); // while the probe loads: the slow, cold pass
            FilterLoader filter = awaitLoader();
            int fd = -1;
            while (!stopping && filter != null) {
                if (fd < 0 && !found.isEmpty()) {
                    fd = load(filter);
                    if (fd < 0) {
                        break;
                    }
                }
                if (fd >= 0) {
                    tap(n, entry, found, fd); // enters only the namespaces that have stacked devices
                }
                firstScan.countDown();
                waitForChange();
                found = find(entry, dump);
            }
        } catch (RuntimeException e) {
            LOG.warn("stacked-device watcher failed: {}", e.toString());
            report.accept("netpath: receive on stacked devices is no longer followed for new devices (" + e + ")");
        } finally {
            // The taps are this thread's: it closes them, so that no other thread ever races with a scan.
            for (PacketTap t : taps.values()) {
                t.close();
            }
            taps.clear();
            names.clear();
            firstScan.countDown();
        }
    }

    /** How to load the socket filter, once the probe has loaded its object; null when it stopped before. */
    private FilterLoader awaitLoader() {
        try {
            return loader.get();
        } catch (InterruptedException | ExecutionException | CancellationException e) {
            return null;
        }
    }

    /** The socket filter's fd, or -1 when it failed to load: {@link #attach} throws that, or (later) it is reported. */
    private int load(FilterLoader filter) {
        try {
            return filter.load();
        } catch (PkttraceException e) {
            if (firstScan.getCount() > 0) {
                failure = e;
            } else {
                report.accept(NOT_TRACED + e.userLine());
            }
            return -1;
        }
    }

    private void waitForChange() {
        try {
            if (watch == null) {
                Thread.sleep(RESCAN_MS);
                return;
            }
            var key = watch.poll(RESCAN_MS, TimeUnit.MILLISECONDS);
            if (key != null) {
                key.pollEvents();
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopping
        }
    }

    /** The stacked devices of one namespace, and how to enter it. */
    private record Stacked(Path handle, List<Link> links) {
    }

    /** Lists every namespace's stacked devices: one link dump per namespace. */
    private Map<Long, Stacked> find(NetnsThread entry, LinkDump dump) {
        long t0 = System.nanoTime();
        Map<Long, Namespaces.Found> all = namespaces.scan();
        Map<Long, Stacked> found = new HashMap<>();
        for (Namespaces.Found ns : all.values()) {
            if (stopping) {
                break;
            }
            try {
                List<Link> stacked = entry.in(ns.path(), () -> dump.links().stream().filter(l -> STACKED_KINDS.contains(l.kind())).toList());
                if (!stacked.isEmpty()) {
                    found.put(ns.inode(), new Stacked(ns.path(), stacked));
                }
            } catch (PkttraceException e) {
                // The namespace went away between listing and entering, or cannot be entered: its
                // devices are not present for us. Say so once per distinct failure.
                if (Files.exists(ns.path()) && reportedErrors.add(e.getMessage())) {
                    report.accept("netpath: receive on stacked devices not traced in namespace " + ns.inode() + ": " + e.userLine());
                }
            }
        }
        LOG.debug("looked through {} namespaces in {} µs: {} with stacked devices", all.size(), (System.nanoTime() - t0) / 1000,
                found.size());
        return found;
    }

    /** Taps every device found (entering their namespaces only), and closes the taps of devices gone. */
    private void tap(Native n, NetnsThread entry, Map<Long, Stacked> found, int fd) {
        Set<Device> present = new HashSet<>();
        for (Map.Entry<Long, Stacked> ns : found.entrySet()) {
            long inode = ns.getKey();
            try {
                entry.in(ns.getValue().handle(), () -> {
                    for (Link l : ns.getValue().links()) {
                        Device d = new Device(inode, l.ifindex());
                        present.add(d);
                        ensureTap(n, d, l, fd);
                    }
                    return null;
                });
            } catch (PkttraceException e) {
                // gone since it was listed: the next pass will not find it
            }
        }
        for (var it = taps.entrySet().iterator(); it.hasNext(); ) {
            var t = it.next();
            if (!present.contains(t.getKey())) {
                t.getValue().close(); // also releases the namespace the socket held
                LOG.debug("untapped {}", names.get(t.getKey()));
                names.remove(t.getKey());
                it.remove();
            }
        }
        tapped = List.copyOf(new TreeSet<>(names.values()));
    }

    /** Runs inside the device's namespace. */
    private void ensureTap(Native n, Device d, Link l, int fd) throws PkttraceException {
        PacketTap t = taps.get(d);
        if (t != null && t.alive()) {
            return;
        }
        if (t != null) {
            t.close(); // its device went away and another got the same index
        }
        try {
            PacketTap opened = PacketTap.open(n, fd, l.ifindex());
            if (opened == null) {
                return; // the device went away since it was listed
            }
            taps.put(d, opened);
        } catch (PkttraceException e) {
            taps.remove(d);
            if (reportedErrors.add(e.getMessage())) {
                report.accept("netpath: receive on " + printable(l.name()) + " (" + printable(l.kind()) + ") in namespace " + d.netns()
                        + " not traced: " + e.userLine());
            }
            return;
        }
        String name = printable(l.name()) + " (" + printable(l.kind()) + ") in " + d.netns();
        names.put(d, name);
        if (firstScan.getCount() == 0) {
            report.accept("netpath: rx on " + name + " now traced (packet tap)");
        }
    }

    /**
     * A device name as the user may see it: whoever administers a namespace (also an unprivileged
     * user's container) names its devices, and a name may hold terminal control characters.
     */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    /** Stops watching; the watcher closes every tap as it ends. Idempotent. */
    @Override
    public void close() {
        stopping = true;
        loader.cancel(false);
        if (watch != null) {
            try {
                watch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("the stacked-device watcher did not end in 5 s; its taps close when pkttrace exits");
            }
        }
    }
}
