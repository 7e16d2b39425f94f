package io.pkttrace.api;

/**
 * Counters of one run. Every record and event is accounted for:
 * {@code produced == delivered + lostInKernel + leftUnread}.
 *
 * <p>For a ring buffer, {@code produced} is the BPF programs' {@code pt_counters} EMITTED slot:
 * records that passed the kernel filter and were offered to the ring; LOST counts those of them the
 * ring refused; FILTERED counts packets the kernel filter dropped before, which are therefore not
 * part of {@code produced}. What the ring took is read by the engine ({@code delivered}) or was still
 * in the ring when the run ended ({@code leftUnread}). For an {@link EventSource},
 * {@code produced = delivered + lost()}.
 *
 * @param produced         records offered to ring buffers after the kernel filter, plus user-space events
 * @param delivered        records and events the engine read
 * @param lostInKernel     records a full ring buffer refused, plus events a user-space source lost
 * @param filteredInKernel packets the kernel filter dropped before a record was offered (not in produced)
 * @param filteredInJava   delivered events dropped by Java filters (also by a filter that failed)
 * @param emitted          events handed to sinks
 * @param leftUnread       records still in a ring buffer when the run ended: counted, never read
 * @param leftUnreadReason why records were left unread, or null when none were
 */
public record RunStats(long produced, long delivered, long lostInKernel, long filteredInKernel,
                       long filteredInJava, long emitted, long leftUnread, String leftUnreadReason) {
    /** Counters of a run that left nothing unread. */
    public RunStats(long produced, long delivered, long lostInKernel, long filteredInKernel, long filteredInJava,
                    long emitted) {
        this(produced, delivered, lostInKernel, filteredInKernel, filteredInJava, emitted, 0, null);
    }

    /** True when {@code produced == delivered + lostInKernel + leftUnread}. */
    public boolean accountedFor() {
        return produced == delivered + lostInKernel + leftUnread;
    }
}
