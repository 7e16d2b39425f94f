package io.pkttrace.core.engine;

import io.pkttrace.api.RunStats;
import java.util.List;
import java.util.Optional;

/**
 * How a run ended.
 *
 * @param stats             the counters, as sinks received them in {@code finish}
 * @param componentFailures one line per plugin component that failed, was disabled or did not return
 * @param notes             other lines for the report, e.g. events delivered out of order
 * @param failure           an internal error that ended event processing, or null
 */
public record RunResult(RunStats stats, List<String> componentFailures, List<String> notes, Throwable failure) {
    public RunResult {
        componentFailures = List.copyOf(componentFailures);
        notes = List.copyOf(notes);
    }

    /** True when a plugin component failed: the run's exit status says so. */
    public boolean componentFailed() {
        return !componentFailures.isEmpty();
    }

    public Optional<Throwable> internalFailure() {
        return Optional.ofNullable(failure);
    }
}
