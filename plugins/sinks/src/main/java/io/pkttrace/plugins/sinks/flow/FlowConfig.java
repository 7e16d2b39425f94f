package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.plugins.sinks.OutputTarget;

/**
 * Configuration of the flow sink.
 *
 * @param output     standard output or a file
 * @param idleMs     a packet without events for this long (event time) is finished and printed
 * @param maxPackets packets followed at once; beyond, the least recently active is evicted
 * @param maxHops    hops kept per packet; further hops are only counted
 */
public record FlowConfig(OutputTarget output, long idleMs, int maxPackets, int maxHops) {
    public static final long DEFAULT_IDLE_MS = 1000;
    public static final int DEFAULT_MAX_PACKETS = 10_000;
    public static final int DEFAULT_MAX_HOPS = 64;
}
