package io.pkttrace.cli;

import io.pkttrace.api.RunStats;
import java.io.PrintStream;

/** The end-of-run summary on stderr; a loss is always reported, never silent. */
final class RunReport {
    private RunReport() {
    }

    static void print(PrintStream err, RunStats s, boolean always) {
        if (always || s.lostInKernel() > 0) {
            err.printf("pkttrace: %d events shown; kernel: %d produced, %d delivered, %d lost, %d filtered; java: %d filtered%n",
                    s.emitted(), s.produced(), s.delivered(), s.lostInKernel(), s.filteredInKernel(), s.filteredInJava());
        }
        if (s.lostInKernel() > 0) {
            err.printf("pkttrace: WARNING: %d events were lost because a ring buffer or socket buffer was full:"
                    + " raise --ring-size or narrow the filter%n", s.lostInKernel());
        }
    }
}
