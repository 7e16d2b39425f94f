package io.pkttrace.plugins.sinks;

import java.io.IOException;

/**
 * The rule every file-writing sink follows when a write fails: the failure is reported once, as
 * {@link OutputTarget#writeFailed} (one line, the sink named), and nothing more is written, since the
 * output's state is unknown (half an object, half a block).
 */
public final class WriteFailures {
    /** A write, flush or close of the sink's output. */
    @FunctionalInterface
    public interface Write {
        void run() throws IOException;
    }

    private final OutputTarget target;
    private boolean failed;

    public WriteFailures(OutputTarget target) {
        this.target = target;
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

    /** Runs {@code w} unless an earlier write failed; a failure is recorded and thrown. */
    public void run(Write w) {
        if (failed) {
            return;
        }
        try {
            w.run();
        } catch (IOException e) {
            throw fail(e);
        }
    }
}
