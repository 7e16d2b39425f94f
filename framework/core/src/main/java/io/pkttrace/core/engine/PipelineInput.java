package io.pkttrace.core.engine;

import java.util.List;
import java.util.function.Consumer;

/** Where a pipeline's events come from: the live probes, or a recording. */
interface PipelineInput {
    /** Starts producing (probes load and attach) and returns what to read. */
    List<Source> open(Consumer<String> reporter) throws io.pkttrace.api.PkttraceException;

    /**
     * True when the probes applied the rules of the filter {@link PipelineBuilder#pushedFilter} names in
     * the kernel, so that an event marked {@link io.pkttrace.api.PacketEvent#kernelFiltered()} was
     * decided there and skips that filter's Java test (a recording never was).
     */
    default boolean kernelFiltered() {
        return false;
    }

    /** Stops producing (probes detach); what was produced can still be read. Idempotent. */
    void stopIntake();

    /**
     * Frees everything. Idempotent, never throws.
     *
     * @param consumerStuck the consumer thread did not end: memory it may still read stays mapped
     */
    void close(boolean consumerStuck);
}
