package io.pkttrace.core.engine;

/**
 * Tuning of the engine.
 *
 * @param ringBytes          size of each probe's ring buffer (power of two, >= one page)
 * @param pollIntervalNanos  how long the consumer sleeps when the sources are empty: records are
 *                           submitted without wake-ups, so this bounds latency and sets the batch size
 * @param batchMax           records read from one source per round before sinks are flushed
 * @param maxEvents          stop after this many events reached the sinks; 0 for no limit
 * @param reorderWindowNanos with several sources, how late (after it could first be read) an event may be
 *                           handed over and still reach sinks in timestamp order (see {@link ReorderBuffer})
 * @param drainBoundNanos    when the run ends, how long the consumer may go on reading what the probes
 *                           produced before they were detached; what is left is counted as left unread
 * @param ticks              call {@link io.pkttrace.api.Sink#tick} while idle (live runs; not replay)
 */
public record EngineSettings(int ringBytes, long pollIntervalNanos, int batchMax, long maxEvents,
                             long reorderWindowNanos, long drainBoundNanos, boolean ticks) {
    public static final int DEFAULT_RING_BYTES = 4 << 20;
    /** 512 MiB: the ring's data area is mapped twice in a row and read as one Java buffer, which holds at most 2 GiB. */
    public static final int MAX_RING_BYTES = 1 << 29;
    /**
     * 5 ms: the window counts from the start of the round that read a source, not from the wall clock, so
     * a busy consumer needs no more. Measured with the netfilter probe (the source that hands events over
     * latest): every verdict of eight concurrent flows (16,177) and of the ping and demo runs came in
     * the round after its hook record; only verdicts that wait for a rule listing (ruleset changed) or
     * for a record whose message was lost (netlink overrun) come 10-500 ms late, which a longer window
     * would not cover either (50 ms still left 8 of 32 such and 1,451 of 2,159) while delaying every
     * run with two sources; those are delivered, counted and reported.
     */
    public static final long DEFAULT_REORDER_WINDOW_NANOS = 5_000_000L;
    /** 1 s: Ctrl-C ends promptly even with a slow sink; a fast one drains a full 4 MiB ring well within it. */
    public static final long DEFAULT_DRAIN_BOUND_NANOS = 1_000_000_000L;

    public EngineSettings {
        if (ringBytes < 4096 || ringBytes > MAX_RING_BYTES || Integer.bitCount(ringBytes) != 1) {
            throw new IllegalArgumentException("ring buffer size must be a power of two from 4096 to " + MAX_RING_BYTES + ": " + ringBytes);
        }
    }

    /** Settings of a live run with the default window and drain bound. */
    public EngineSettings(int ringBytes, long pollIntervalNanos, int batchMax, long maxEvents) {
        this(ringBytes, pollIntervalNanos, batchMax, maxEvents, DEFAULT_REORDER_WINDOW_NANOS, DEFAULT_DRAIN_BOUND_NANOS, true);
    }

    public static EngineSettings defaults() {
        return new EngineSettings(DEFAULT_RING_BYTES, 1_000_000L, 4096, 0);
    }

    public EngineSettings withMaxEvents(long n) {
        return new EngineSettings(ringBytes, pollIntervalNanos, batchMax, n, reorderWindowNanos, drainBoundNanos, ticks);
    }

    public EngineSettings withRingBytes(int bytes) {
        return new EngineSettings(bytes, pollIntervalNanos, batchMax, maxEvents, reorderWindowNanos, drainBoundNanos, ticks);
    }

    public EngineSettings withDrainBound(long nanos) {
        return new EngineSettings(ringBytes, pollIntervalNanos, batchMax, maxEvents, reorderWindowNanos, nanos, ticks);
    }

    public EngineSettings withReorderWindow(long nanos) {
        return new EngineSettings(ringBytes, pollIntervalNanos, batchMax, maxEvents, nanos, drainBoundNanos, ticks);
    }

    /** For replaying a recording: event time is the clock, so no ticks. */
    public EngineSettings withoutTicks() {
        return new EngineSettings(ringBytes, pollIntervalNanos, batchMax, maxEvents, reorderWindowNanos, drainBoundNanos, false);
    }
}
