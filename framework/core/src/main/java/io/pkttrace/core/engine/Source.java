package io.pkttrace.core.engine;

/** What the consumer thread reads: a ring buffer, or a user-space {@link io.pkttrace.api.EventSource}. */
interface Source {
    /** For messages, e.g. {@code probe netpath}. */
    String name();

    /**
     * Reads up to {@code max} pending records or events and offers each to the pipeline.
     *
     * @return how many were read (also those that were then dropped)
     */
    int poll(int max, Intake intake);

    /**
     * The moment up to which this source has delivered everything (kernel monotonic time): the
     * start of the round if it had nothing more pending, else the timestamp of its last event.
     */
    long watermark(long roundStartNs);

    /** True for a finite source that has handed over everything. */
    default boolean exhausted() {
        return false;
    }

    /** The source's counters; {@code left unread} only for rings, after the run. */
    SourceCounts counts();

    /** Frees what the source holds; with {@code keepMappings} memory the consumer may still touch stays mapped. */
    default void close(boolean keepMappings) {
    }

    /** The pipeline as a source sees it. */
    interface Intake {
        /** A cleared pooled event to fill. */
        io.pkttrace.api.PacketEvent take();

        /**
         * Passes a filled event down the pipeline.
         *
         * @return true when the pipeline keeps it (and gives it back to the pool later); false when it is
         *     the caller's again at once: to fill anew, or to {@link #discard}
         */
        boolean offer(io.pkttrace.api.PacketEvent e);

        /** Gives back an event that will not be offered. */
        void discard(io.pkttrace.api.PacketEvent e);

        /** How many more events may be offered before sinks must be called; a ring reads no more at once. */
        int room();

        /** True once the run must stop reading at once (the drain bound ended). */
        boolean stopNow();
    }
}
