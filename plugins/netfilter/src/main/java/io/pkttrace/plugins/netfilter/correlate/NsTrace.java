package io.pkttrace.plugins.netfilter.correlate;

import io.pkttrace.api.BpfObject;
import io.pkttrace.plugins.netfilter.nft.NftContext;
import io.pkttrace.plugins.netfilter.nft.Ruleset;
import io.pkttrace.plugins.netfilter.sys.NetlinkSocket;
import io.pkttrace.plugins.netfilter.trace.TraceMessage;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One traced network namespace. The namespace thread opens and closes its kernel resources (trace
 * socket, libnftables context with pkttrace's owned table, BPF links) and lists its ruleset; the
 * consumer thread reads the socket and keeps the correlation state. They share only the fields
 * marked so.
 */
public final class NsTrace {
    public final long inode;
    /** How to enter it: /run/netns/NAME or /proc/PID/ns/net. */
    public final Path path;
    /** "4026532177 (name)" or the inode alone, for messages. */
    public final String label;

    // Namespace thread only.
    public NftContext nft;
    public final List<BpfObject.Attachment> links = new ArrayList<>();
    /** Hooks (nft names) where the marking chain and the hook links are in place. */
    public final java.util.Set<String> markedHooks = new java.util.HashSet<>();

    // Shared. The socket is opened before the namespace is published and closed by the consumer.
    public final NetlinkSocket socket;
    /** Set by the namespace thread when it has removed the table and links: the consumer drains and closes. */
    public volatile boolean closing;
    /** The newest listing, and the refresh request it answers. */
    private volatile Ruleset listing;
    private volatile long listingSeq;
    /** Refresh requests made by the consumer (increasing). */
    final AtomicLong requested = new AtomicLong();

    // Consumer thread only.
    final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Hook traversals by trace id, oldest first. */
    final LinkedHashMap<Integer, Traversal> traversals = new LinkedHashMap<>();
    final RuleTexts texts = new RuleTexts();
    boolean socketEmpty;

    public NsTrace(long inode, Path path, String label, NetlinkSocket socket) {
        this.inode = inode;
        this.path = path;
        this.label = label;
        this.socket = socket;
    }

    /** Publishes a listing made for request {@code seq}. Namespace thread. */
    public void publish(Ruleset r, long seq) {
        listing = r;
        listingSeq = seq;
    }

    /** The request the namespace thread should answer next, or -1 when it is up to date. */
    public long refreshWanted() {
        long want = requested.get();
        return want > listingSeq ? want : -1;
    }

    Ruleset listing() {
        return listing;
    }

    long listingSeq() {
        return listingSeq;
    }

    /** A trace message or a ruleset change, in the order the socket delivered them. */
    static final class Pending {
        final TraceMessage message = new TraceMessage();
        boolean change;
        int changeType;
        String changeFamily;
        String changeTable;
        long changeSeq;
        long receivedNs;
    }

    /** One packet's pass through one hook of this namespace, known from pkttrace's marking chain. */
    static final class Traversal {
        int hook;
        int pf;
        /** The hook-entry record, or null when none matched (then no packet id). */
        HookRecord record;
        long ts;
        long lastSeenNs;
        /** The headers of the newest message of this traversal that had headers. */
        final TraceMessage headers = new TraceMessage();
    }
}
