package io.pkttrace.api;

/**
 * Lifecycle shared by filters, enrichers and sinks: {@link #start()} after every component was
 * created and validated, {@link #close()} in reverse order at the end (also after errors).
 */
public interface Component extends AutoCloseable {
    /** Acquires resources (files, caches). Called once, before the first event. */
    default void start() throws PkttraceException {
    }

    /** Releases resources. Must not throw; called once, even when start failed. */
    @Override
    default void close() {
    }
}
