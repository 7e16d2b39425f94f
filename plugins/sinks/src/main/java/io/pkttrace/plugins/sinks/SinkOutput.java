package io.pkttrace.plugins.sinks;

import io.pkttrace.api.PkttraceException;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A file-writing sink's output: the configured target (or a stream tests and benchmarks give), and the
 * rule every such sink follows when a write fails: the failure is reported once, as
 * {@link OutputTarget#writeFailed} (one line, the sink named), and nothing more is written, since the
 * output's state is unknown (half an object, half a block).
 */
public final class SinkOutput {
    /** A write, flush or close of the sink's output. */
    @FunctionalInterface
    public interface Write {
        void run() throws IOException;
    }

    private final OutputTarget target;
    private final OutputStream injected;
    private boolean failed;

    /** @param injected a stream to write instead of the target, or null */
    public SinkOutput(OutputTarget target, OutputStream injected) {
        this.target = target;
        this.injected = injected;
    }

    /** Opens the target (or returns the given stream): when the sink starts. */
    public OutputStream open() throws PkttraceException {
        return injected != null ? injected : target.open();
    }

    /** True once a write failed: write nothing more. */
    public boolean failed() {
        return failed;
    }

    /** Records the failure; returns what the sink throws. */
    public RuntimeException fail(IOException e) {
        failed = true;
        return target.writeFailed(e);
    }

    /** Runs {@code w} (none: null) unless an earlier write failed; a failure is recorded and thrown. */
    public void run(Write w) {
        if (failed || w == null) {
            return;
        }
        try {
            w.run();
        } catch (IOException e) {
            throw fail(e);
        }
    }
}
