package io.pkttrace.api;

/**
 * Counters of one run. {@code produced == delivered + lostInKernel + filteredInKernel} holds for
 * every ring buffer the engine reads. Events of other sources ({@link EventSource}) count as produced
 * and delivered, and those a source could not deliver (e.g. a netlink socket buffer overrun) as lost.
 *
 * @param produced         records the probes tried to emit (kernel counter)
 * @param delivered        records the engine read from ring buffers
 * @param lostInKernel     records the kernel could not deliver because a ring buffer (or a source's socket buffer) was full
 * @param filteredInKernel packets dropped by the kernel-side filter before a record was reserved
 * @param filteredInJava   events dropped by Java filters
 * @param emitted          events handed to sinks
 */
public record RunStats(long produced, long delivered, long lostInKernel, long filteredInKernel,
                       long filteredInJava, long emitted) {
}
