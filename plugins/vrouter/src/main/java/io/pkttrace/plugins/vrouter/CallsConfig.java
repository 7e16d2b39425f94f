package io.pkttrace.plugins.vrouter;

/**
 * Configuration of the calls sink.
 *
 * @param organize   pkt_tracer's -o: each packet's calls as one nested tree, printed when its
 *                   outermost call returns; otherwise one line per call as it happens
 * @param returns    pkt_tracer's -r: show return values (durations are always shown)
 * @param maxPackets packets followed at once (organize); beyond, the least recently active is
 *                   printed as incomplete and counted
 * @param maxCalls   calls kept per packet tree; further calls are only counted
 */
record CallsConfig(boolean organize, boolean returns, int maxPackets, int maxCalls) {
    static final int DEFAULT_MAX_PACKETS = 10_000;
    static final int DEFAULT_MAX_CALLS = 2_000;
}
