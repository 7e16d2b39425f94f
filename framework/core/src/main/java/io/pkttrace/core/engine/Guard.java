package io.pkttrace.core.engine;

import io.pkttrace.api.PkttraceException;
import java.util.function.Consumer;

/**
 * Isolates one plugin component (a filter, enricher, sink, decoder or user-space source): an
 * exception it throws is caught, counted and reported once, by the component's name, with the first
 * error; after {@value #DISABLE_AFTER} failures the component is disabled and no longer called. The
 * rest of the pipeline goes on, and the run ends with {@link io.pkttrace.core.engine.RunResult#componentFailed()}.
 * Used on the consumer thread only (the stopper reads it after the consumer ended).
 */
final class Guard {
    /** Failures after which a component is no longer called: enough to ride out bad events, few enough to stop a broken one. */
    static final int DISABLE_AFTER = 100;

    private final String name;
    private final Consumer<String> reporter;
    private long failures;
    private String firstError;
    private boolean disabled;
    private String stuck;

    Guard(String name, Consumer<String> reporter) {
        this.name = name;
        this.reporter = reporter;
    }

    String name() {
        return name;
    }

    boolean disabled() {
        return disabled;
    }

    long failures() {
        return failures;
    }

    /**
     * Records a failure; rethrows errors the JVM cannot survive.
     *
     * @return true when the component is disabled from now on
     */
    boolean failed(String during, Throwable t) {
        if (t instanceof VirtualMachineError vm && !(t instanceof StackOverflowError)) {
            throw vm;
        }
        failures++;
        if (firstError == null) {
            firstError = describe(t);
            reporter.accept(name + " failed in " + during + ": " + firstError + " (it goes on; disabled after "
                    + DISABLE_AFTER + " failures; the other components are not affected)");
        }
        if (!disabled && failures >= DISABLE_AFTER) {
            disabled = true;
        }
        return disabled;
    }

    /** Disables the component at once, e.g. when it cannot start. */
    void disable(String during, Throwable t) {
        failed(during, t);
        disabled = true;
    }

    /** Marks the component as one that did not return in time (a blocked sink). */
    void stuck(String what) {
        stuck = what;
    }

    /** The end-of-run line about this component, or null when it never failed. */
    String summary() {
        if (failures == 0 && stuck == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(name).append(':');
        if (failures > 0) {
            sb.append(' ').append(failures).append(failures == 1 ? " failure" : " failures")
                    .append(disabled ? ", disabled" : "").append(" (first: ").append(firstError).append(')');
        }
        if (stuck != null) {
            sb.append(failures > 0 ? "; " : " ").append(stuck);
        }
        return sb.toString();
    }

    /**
     * One line: a user error's own line, else the exception and where it was thrown, so the plugin's
     * author can find it without a stack trace.
     */
    static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PkttraceException pe) {
                return pe.userLine();
            }
        }
        String s = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse(""));
        StackTraceElement[] st = t.getStackTrace();
        return st.length == 0 ? s : s + " at " + st[0];
    }
}
