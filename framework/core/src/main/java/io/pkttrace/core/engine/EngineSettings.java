package io.pkttrace.core.engine;

/**
 * Tuning of the engine.
 *
 * @param ringBytes        size of each probe's ring buffer (power of two, >= one page)
 * @param pollIntervalNanos how long the consumer sleeps when the rings are empty: records are
 *                         submitted without wake-ups, so this bounds latency and sets the batch size
 * @param batchMax         records read from one ring before sinks are flushed
 * @param maxEvents        stop after this many events reached the sinks; 0 for no limit
 */
public record EngineSettings(int ringBytes, long pollIntervalNanos, int batchMax, long maxEvents) {
    public static final int DEFAULT_RING_BYTES = 4 << 20;

    public EngineSettings {
        if (ringBytes < 4096 || Integer.bitCount(ringBytes) != 1) {
            throw new IllegalArgumentException("ring buffer size must be a power of two >= 4096: " + ringBytes);
        }
    }

    public static EngineSettings defaults() {
        return new EngineSettings(DEFAULT_RING_BYTES, 1_000_000L, 4096, 0);
    }

    public EngineSettings withMaxEvents(long n) {
        return new EngineSettings(ringBytes, pollIntervalNanos, batchMax, n);
    }

    public EngineSettings withRingBytes(int bytes) {
        return new EngineSettings(bytes, pollIntervalNanos, batchMax, maxEvents);
    }
}
