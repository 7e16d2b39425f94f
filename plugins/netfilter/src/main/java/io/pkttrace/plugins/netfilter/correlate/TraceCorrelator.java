package io.pkttrace.plugins.netfilter.correlate;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.plugins.netfilter.nft.MarkingTable;
import io.pkttrace.plugins.netfilter.nft.Ruleset;
import io.pkttrace.plugins.netfilter.sys.NetlinkSocket;
import io.pkttrace.plugins.netfilter.trace.NfNetlink;
import io.pkttrace.plugins.netfilter.trace.NfNetlinkDecoder;
import io.pkttrace.plugins.netfilter.trace.PacketHeaders;
import io.pkttrace.plugins.netfilter.trace.TraceMessage;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Turns the nftrace messages of each namespace into verdict events, on the consumer thread.
 *
 * <p>Messages are handled in the order their namespace's socket delivered them. pkttrace's own
 * marking chain is the first chain of every hook, so for each hook a selected packet enters, the
 * first message is the accepted marking rule: it names the hook (the chain is named after it) and
 * carries the headers as they were at hook entry. That message is matched to the BPF hook record
 * with the same namespace, family, hook and header bytes (oldest first), which gives the skb
 * address and the entry time. The messages that follow with the same trace id are the user's
 * chains seen by that same pass; each becomes one event with the packet id and time of the pass.
 * Messages whose id has no pass of ours were marked by someone else's nftrace rule: not selected.
 *
 * <p>Waiting is bounded: a marking message waits for its record until the ring has been read past
 * its receive time (or {@link #RECORD_WAIT_NS}); a message whose rule text is not listed yet
 * waits for the listing its namespace thread is making (or {@link #TEXT_WAIT_NS}), then shows
 * the rule marked stale.
 */
public final class TraceCorrelator implements NfNetlinkDecoder.Handler {
    /** The ring is read this far past a message's receive time before its record is given up. */
    static final long RING_SLACK_NS = 2_000_000L;
    static final long RECORD_WAIT_NS = 500_000_000L;
    static final long TEXT_WAIT_NS = 1_000_000_000L;
    static final long TRAVERSAL_AGE_NS = 2_000_000_000L;
    static final int MAX_TRAVERSALS = 65536;
    static final int MAX_QUEUE = 100_000;
    private static final int DATAGRAMS_PER_ROUND = 512;

    private final String ownTable;
    private final boolean continues;
    private final HookRecords records;
    private final boolean haveRecords;
    private final Consumer<NsTrace> wantRefresh;
    private final NfNetlinkDecoder decoder = new NfNetlinkDecoder();
    private final PacketEvent event = new PacketEvent();
    private final IfNames ifNames = new IfNames();
    private final ArrayDeque<NsTrace.Pending> pendingPool = new ArrayDeque<>();
    private final ArrayDeque<NsTrace.Traversal> traversalPool = new ArrayDeque<>();
    private NsTrace reading;
    private long nowNs;

    private long matched;
    private long withoutRecord;
    private long ambiguous;
    private long notOurs;
    private long staleTexts;
    private long lostPass;

    /**
     * @param ownTable    pkttrace's marking table in every namespace
     * @param continues   also report rules that matched without deciding (counter, log, ...)
     * @param haveRecords false when no BPF hook records exist (no packet ids, receive times)
     * @param wantRefresh asks the namespace thread for a new listing
     */
    public TraceCorrelator(String ownTable, boolean continues, HookRecords records, boolean haveRecords,
                           Consumer<NsTrace> wantRefresh) {
        this.ownTable = ownTable;
        this.continues = continues;
        this.records = records;
        this.haveRecords = haveRecords;
        this.wantRefresh = wantRefresh;
    }

    /**
     * Reads what the namespace's socket has and emits what can be decided.
     *
     * @param last true in the final rounds after the probe stopped: nothing waits any more
     * @return events emitted
     */
    public int poll(NsTrace ns, long now, boolean last, Consumer<PacketEvent> out) throws PkttraceException {
        nowNs = now;
        if (ns.socket != null && ns.socket.isOpen()) {
            reading = ns;
            ns.socketEmpty = false;
            for (int i = 0; i < DATAGRAMS_PER_ROUND; i++) {
                int got = ns.socket.receive();
                if (got == NetlinkSocket.EMPTY) {
                    ns.socketEmpty = true;
                    break;
                }
                if (got == NetlinkSocket.OVERRUN) {
                    enqueueChange(ns, -1, 0, null); // notifications may be among the lost: list again
                    continue;
                }
                decoder.decode(ns.socket.buffer(), this);
            }
            reading = null;
        }
        return process(ns, now, last, out);
    }

    /** Queues one decoded message as if the socket had just delivered it (tests, replays). */
    void offer(NsTrace ns, TraceMessage m, long receivedNs) {
        nowNs = receivedNs;
        reading = ns;
        trace(m);
        reading = null;
    }

    /** Handles what waits in the namespace's queue, in order; stops at the first that must wait. */
    int process(NsTrace ns, long now, boolean last, Consumer<PacketEvent> out) {
        nowNs = now;
        Ruleset listing = ns.listing();
        if (listing != null && ns.listingSeq() > ns.texts.mergedSeq()) {
            ns.texts.merge(listing, ns.listingSeq());
        }
        int emitted = 0;
        while (!ns.queue.isEmpty()) {
            NsTrace.Pending p = ns.queue.peek();
            boolean force = last || ns.queue.size() > MAX_QUEUE;
            int r = handle(ns, p, force, out);
            if (r < 0) {
                break; // waits for its record or its rule's text; the ones behind it wait too
            }
            emitted += r;
            pendingPool.add(ns.queue.poll());
        }
        expireTraversals(ns);
        return emitted;
    }

    @Override
    public void trace(TraceMessage m) {
        NsTrace.Pending p = pending();
        p.change = false;
        p.message.copyFrom(m);
        p.receivedNs = nowNs;
        reading.queue.add(p);
    }

    @Override
    public void rulesetChanged(int msgType, int family, String table) {
        enqueueChange(reading, msgType, family, table);
    }

    /** A change is queued in order with the traces; the listing that reflects it is asked for now. */
    private void enqueueChange(NsTrace ns, int msgType, int family, String table) {
        NsTrace.Pending p = pending();
        p.change = true;
        p.changeType = msgType;
        p.changeFamily = NfNetlink.familyName(family);
        p.changeTable = table;
        p.changeSeq = ns.requested.incrementAndGet();
        p.receivedNs = nowNs;
        ns.queue.add(p);
        wantRefresh.accept(ns);
    }

    private NsTrace.Pending pending() {
        NsTrace.Pending p = pendingPool.poll();
        return p != null ? p : new NsTrace.Pending();
    }

    /** @return events emitted (0 or 1), or -1 to wait */
    private int handle(NsTrace ns, NsTrace.Pending p, boolean force, Consumer<PacketEvent> out) {
        if (p.change) {
            boolean tableChange = p.changeType == NfNetlink.NFT_MSG_NEWTABLE || p.changeType == NfNetlink.NFT_MSG_DELTABLE;
            if (tableChange && p.changeTable != null && !p.changeTable.startsWith(MarkingTable.PREFIX)) {
                ns.texts.invalidate(p.changeFamily, p.changeTable, p.changeSeq);
            }
            return 0;
        }
        TraceMessage m = p.message;
        if (m.table.equals(ownTable)) {
            return passBegins(ns, p, force) ? 0 : -1;
        }
        if (m.table.startsWith(MarkingTable.PREFIX)) {
            return 0; // another pkttrace's marking table
        }
        NsTrace.Traversal t = ns.traversals.get(m.id);
        if (t == null) {
            notOurs++;
            return 0;
        }
        String baseHook = ns.texts.hook(NfNetlink.familyName(m.tableFamily), m.table, m.chain);
        if (baseHook != null && NfNetlink.hookNumber(baseHook) != t.hook) {
            // The same packet at another hook whose marking message was lost (overrun): not this pass.
            lostPass++;
            return 0;
        }
        boolean decisive = !(m.type == NfNetlink.NFT_TRACETYPE_RULE
                && (m.verdict == NfNetlink.NFT_CONTINUE || m.verdict == NfNetlink.NFT_BREAK));
        if (!decisive && !continues) {
            remember(t, m, p);
            return 0;
        }
        String family = NfNetlink.familyName(m.tableFamily);
        String text = null;
        boolean stale = false;
        long handle = m.type == NfNetlink.NFT_TRACETYPE_POLICY ? -1 : m.ruleHandle;
        if (handle >= 0) {
            text = ns.texts.text(family, m.table, m.chain, handle);
            boolean invalid = ns.texts.invalid(family, m.table);
            if (text == null || invalid) {
                boolean listingComing = ns.requested.get() > ns.texts.mergedSeq();
                if (listingComing && !force && nowNs - p.receivedNs < TEXT_WAIT_NS) {
                    return -1;
                }
                stale = true;
                staleTexts++;
            }
        }
        remember(t, m, p);
        emit(ns, t, m, family, handle, text, stale, out);
        return 1;
    }

    private static void remember(NsTrace.Traversal t, TraceMessage m, NsTrace.Pending p) {
        if (m.hasHeaders()) {
            t.headers.copyFrom(m);
        }
        t.lastSeenNs = p.receivedNs;
    }

    /** The marking rule accepted a packet entering a hook: a new pass, matched to its hook record. */
    private boolean passBegins(NsTrace ns, NsTrace.Pending p, boolean force) {
        TraceMessage m = p.message;
        if (m.type != NfNetlink.NFT_TRACETYPE_RULE) {
            // Our chain's policy: the packet was marked by another nftrace rule, not selected by ours.
            release(ns.traversals.remove(m.id));
            return true;
        }
        int hook = NfNetlink.hookNumber(m.chain);
        HookRecord rec = null;
        if (haveRecords) {
            rec = records.claim(ns.inode, m.nfproto, hook, m.networkHeader, m.networkHeaderLength,
                    m.transportHeader, m.transportHeaderLength);
            if (rec == null) {
                boolean ringPast = records.watermark() > p.receivedNs + RING_SLACK_NS;
                if (!force && !ringPast && nowNs - p.receivedNs < RECORD_WAIT_NS) {
                    return false;
                }
                withoutRecord++;
            } else {
                matched++;
                if (records.countSame(ns.inode, m.nfproto, hook, m.networkHeader, m.networkHeaderLength,
                        m.transportHeader, m.transportHeaderLength) > 0) {
                    ambiguous++; // identical headers waiting too: the oldest was taken
                }
            }
        }
        NsTrace.Traversal t = traversalPool.poll();
        if (t == null) {
            t = new NsTrace.Traversal();
        }
        t.hook = hook;
        t.pf = m.nfproto;
        t.record = rec;
        t.ts = rec != null ? rec.ts : p.receivedNs;
        t.lastSeenNs = p.receivedNs;
        t.headers.copyFrom(m);
        release(ns.traversals.remove(m.id)); // re-inserted last: the map stays in age order
        ns.traversals.put(m.id, t);
        return true;
    }

    private void release(NsTrace.Traversal t) {
        if (t != null) {
            records.release(t.record);
            t.record = null;
            traversalPool.add(t);
        }
    }

    private void expireTraversals(NsTrace ns) {
        Iterator<NsTrace.Traversal> it = ns.traversals.values().iterator();
        while (it.hasNext()) {
            NsTrace.Traversal t = it.next();
            if (ns.traversals.size() <= MAX_TRAVERSALS && nowNs - t.lastSeenNs < TRAVERSAL_AGE_NS) {
                return;
            }
            it.remove();
            release(t);
        }
    }

    private void emit(NsTrace ns, NsTrace.Traversal t, TraceMessage m, String family, long handle, String text,
                      boolean stale, Consumer<PacketEvent> out) {
        PacketEvent e = event.clear();
        e.probe("netfilter").hook(NfNetlink.hookName(t.hook)).timestampNs(t.ts).netnsInode(ns.inode);
        boolean inbound = t.hook <= NfNetlink.NF_INET_FORWARD;
        HookRecord r = t.record;
        int l4proto = -1;
        if (r != null) {
            e.packetId(r.skb).cpu(r.cpu).length(r.len);
            if (r.caplen > 0) {
                e.packetBytes(r.data, 0, r.caplen);
            }
            int ifindex = inbound ? r.inIfindex : r.outIfindex;
            if (ifindex != 0) {
                e.ifindex(ifindex).ifname(ifNames.name(ns.inode, ifindex, inbound ? r.inName : r.outName));
            }
            l4proto = r.l4proto;
        } else {
            int ifindex = inbound ? t.headers.iif : t.headers.oif;
            if (ifindex != 0) {
                e.ifindex(ifindex);
            }
        }
        PacketHeaders.fill(e, t.headers.networkHeader, t.headers.networkHeaderLength, t.headers.transportHeader,
                t.headers.transportHeaderLength, l4proto);
        String verdict;
        String target = null;
        boolean policy = false;
        switch (m.type) {
            case NfNetlink.NFT_TRACETYPE_POLICY -> {
                verdict = NfNetlink.verdictName(m.policy >= 0 ? m.policy : NfNetlink.NF_ACCEPT);
                policy = true;
            }
            case NfNetlink.NFT_TRACETYPE_RETURN -> verdict = "RETURN";
            default -> {
                verdict = NfNetlink.verdictName(m.verdict);
                if (m.verdict == NfNetlink.NFT_JUMP || m.verdict == NfNetlink.NFT_GOTO) {
                    target = m.target;
                }
            }
        }
        if (verdict.equals("DROP") && RuleTexts.rejects(text)) {
            verdict = "REJECT";
        }
        e.netfilter(m.table, m.chain, verdict).nfFamily(family).nfTarget(target).nfPolicy(policy);
        if (handle >= 0) {
            e.nfRule(handle, text, stale);
        }
        out.accept(e);
    }

    /** True when the namespace's socket had nothing more and nothing waits in its queue. */
    public boolean drained(NsTrace ns) {
        return ns.queue.isEmpty() && (ns.socketEmpty || ns.socket == null || !ns.socket.isOpen());
    }

    /** Forgets a namespace's state (it is gone). */
    public void forget(NsTrace ns) {
        pendingPool.addAll(ns.queue);
        ns.queue.clear();
        ns.socketEmpty = true;
        ns.traversals.values().forEach(this::release);
        ns.traversals.clear();
        records.forget(ns.inode);
    }

    /** Hook passes matched to their BPF record. */
    public long matched() {
        return matched;
    }

    /** Hook passes whose record never came (lost, or no BPF links): shown without packet id. */
    public long withoutRecord() {
        return withoutRecord;
    }

    /** Hook passes matched while another record with identical headers also waited (oldest taken). */
    public long ambiguous() {
        return ambiguous;
    }

    /** Trace messages of packets pkttrace did not mark. */
    public long notOurs() {
        return notOurs;
    }

    /** Verdicts shown with a rule text that could not be confirmed (the ruleset changed meanwhile). */
    public long staleTexts() {
        return staleTexts;
    }

    /** Verdicts dropped because the marking message of their hook pass was lost. */
    public long lostPass() {
        return lostPass;
    }

    public long malformed() {
        return decoder.malformed();
    }
}
