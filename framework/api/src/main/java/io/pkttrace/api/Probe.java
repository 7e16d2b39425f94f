package io.pkttrace.api;

import java.util.List;

/**
 * Emits events from the kernel. Lifecycle: {@link #describe()} (no side effects), {@link #start}
 * (load BPF and attach), {@link #stop()} (detach), {@link #close()} (free everything). The engine
 * stops and closes probes in reverse order of starting, also on Ctrl-C and SIGTERM.
 */
public interface Probe extends AutoCloseable {
    /** The hooks or functions this probe will attach to. */
    List<String> describe();

    /** Loads and attaches the BPF programs; registers ring buffers with the context. */
    void start(ProbeContext context) throws PkttraceException;

    /** Detaches every link; events already in ring buffers are still drained. Idempotent. */
    void stop();

    /** Frees BPF objects. Idempotent, never throws. */
    @Override
    void close();
}
