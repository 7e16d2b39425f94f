package io.pkttrace.plugins.sinks.pcapng;

import io.pkttrace.plugins.sinks.OutputTarget;

/**
 * Configuration of the pcapng sink.
 *
 * @param output        a file, or standard output (e.g. piped into {@code tshark -r -})
 * @param snapLength    how many of each packet's first bytes (from its network header) to capture
 * @param clockOffsetNs nanoseconds from kernel monotonic time to Unix time, or null for the run's own
 *                      (replay passes the recording's, so a replay writes the live file's timestamps)
 */
public record PcapngConfig(OutputTarget output, int snapLength, Long clockOffsetNs) {
    public static final int DEFAULT_SNAP_LENGTH = 128;
}
