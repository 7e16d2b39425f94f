package io.pkttrace.plugins.sinks.json;

import io.pkttrace.plugins.sinks.OutputTarget;

/**
 * Configuration of the JSON Lines sink.
 *
 * @param output        standard output or a file
 * @param summary       write one final {@code "type":"summary"} object with the run's counters
 * @param clockOffsetNs nanoseconds to add to the kernel's monotonic {@code ts_ns} to get Unix-epoch
 *                      time, or null to measure it when the sink starts ({@code pkttrace replay}
 *                      passes the recording's own offset so times are preserved)
 */
public record JsonConfig(OutputTarget output, boolean summary, Long clockOffsetNs) {
}
