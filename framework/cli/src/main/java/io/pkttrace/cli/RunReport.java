package io.pkttrace.cli;

import io.pkttrace.api.RunStats;
import io.pkttrace.core.engine.RunResult;
import java.io.PrintStream;

/**
 * The end-of-run summary on stderr: a loss or records left unread are always reported, never silent,
 * and so is every plugin component that failed.
 */
final class RunReport {
    private RunReport() {
    }

    static void print(PrintStream err, RunResult r, boolean always) {
        RunStats s = r.stats();
        if (always || s.lostInKernel() > 0 || s.leftUnread() > 0) {
            err.printf("pkttrace: %d events shown; kernel: %d produced, %d delivered, %d lost, %d filtered; java: %d filtered;"
                            + " %d left unread%n", s.emitted(), s.produced(), s.delivered(), s.lostInKernel(), s.filteredInKernel(),
                    s.filteredInJava(), s.leftUnread());
        }
        if (s.lostInKernel() > 0) {
            err.printf("pkttrace: WARNING: %d events were lost because a ring buffer or socket buffer was full:"
                    + " raise --ring-size or narrow the filter%n", s.lostInKernel());
        }
        if (s.leftUnread() > 0) {
            err.printf("pkttrace: WARNING: %d events were left unread in the ring buffers: %s%n", s.leftUnread(), s.leftUnreadReason());
        }
        r.notes().forEach(n -> err.println("pkttrace: " + n));
        r.componentFailures().forEach(f -> err.println("pkttrace: component failed: " + f));
    }

    /**
     * {@link Main#EXIT_COMPONENT_FAILED} when a plugin component failed (in the run, or an extension
     * that could not be created), 0 otherwise; an internal error is thrown (exit {@link Main#EXIT_INTERNAL}).
     */
    static int exitStatus(RunResult r, PkttraceCommand root) {
        if (r.internalFailure().isPresent()) {
            throw new IllegalStateException("event processing failed", r.internalFailure().get());
        }
        return r.componentFailed() || root.extensionFailed() ? Main.EXIT_COMPONENT_FAILED : 0;
    }
}
