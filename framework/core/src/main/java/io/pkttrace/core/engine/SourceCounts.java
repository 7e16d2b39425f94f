package io.pkttrace.core.engine;

/**
 * One source's share of {@link io.pkttrace.api.RunStats}; {@code produced == delivered + lost + leftUnread}.
 *
 * @param produced         ring records offered after the kernel filter (pt_counters EMITTED), or user-space events
 * @param delivered        read by the engine
 * @param lost             refused by a full ring (pt_counters LOST), or lost before user space read them
 * @param filteredInKernel dropped by the kernel filter before a record was offered (pt_counters FILTERED)
 * @param leftUnread       still in the ring when the run ended
 */
record SourceCounts(long produced, long delivered, long lost, long filteredInKernel, long leftUnread) {
}
