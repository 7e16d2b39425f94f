package io.pkttrace.topology;

import io.pkttrace.api.PkttraceException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command given as an argv list (never through a shell), with a timeout, and
 * captures its stdout and stderr. {@link #run} throws {@link CommandFailedException} carrying the
 * command's stderr when it cannot be started, times out or exits non-zero; {@link #tryRun} only
 * throws when the command cannot be started or times out and otherwise reports the exit code.
 *
 * <p>Not final so that tests can substitute scripted results by overriding {@link #tryRun(Duration,
 * List)}, the single primitive every other method goes through.
 */
public class CommandRunner {
    /** Timeout used by the overloads without one. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final File DEV_NULL = new File("/dev/null");
    // Grandchildren (e.g. of `ip netns exec`) may keep our pipes open; do not wait for them forever.
    private static final long READER_JOIN_MILLIS = 2000;

    private final Duration defaultTimeout;

    /** A runner with {@link #DEFAULT_TIMEOUT}. */
    public CommandRunner() {
        this(DEFAULT_TIMEOUT);
    }

    /** A runner whose overloads without a timeout use {@code defaultTimeout}. */
    public CommandRunner(Duration defaultTimeout) {
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + defaultTimeout);
        }
        this.defaultTimeout = defaultTimeout;
    }

    /** The outcome of a command that ran to completion. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        public Result {
            argv = List.copyOf(argv);
        }

        /** True when the command exited with status 0. */
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code argv} with the default timeout; fails unless it exits 0. */
    public Result run(String... argv) throws CommandFailedException {
        return run(List.of(argv));
    }

    /** Runs {@code argv} with the default timeout; fails unless it exits 0. */
    public Result run(List<String> argv) throws CommandFailedException {
        return run(defaultTimeout, argv);
    }

    /** Runs {@code argv} with {@code timeout}; fails unless it exits 0. */
    public Result run(Duration timeout, List<String> argv) throws CommandFailedException {
        Result r = tryRun(timeout, argv);
        if (!r.ok()) {
            throw CommandFailedException.exited(r);
        }
        return r;
    }

    /** Runs {@code argv} with the default timeout and returns whatever exit code it had. */
    public Result tryRun(List<String> argv) throws CommandFailedException {
        return tryRun(defaultTimeout, argv);
    }

    /**
     * Runs {@code argv} with {@code timeout} and returns whatever exit code it had. Throws only when
     * the program cannot be started or does not finish in time (it is then killed).
     */
    public Result tryRun(Duration timeout, List<String> argv) throws CommandFailedException {
        Objects.requireNonNull(timeout, "timeout");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        List<String> cmd = List.copyOf(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(DEV_NULL);
        // Stable, English diagnostics: callers match on stderr text such as "Operation not permitted".
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw CommandFailedException.notStarted(cmd, e);
        }
        StreamCollector out = new StreamCollector(p.getInputStream(), cmd.get(0) + "-stdout");
        StreamCollector err = new StreamCollector(p.getErrorStream(), cmd.get(0) + "-stderr");
        out.start();
        err.start();
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw CommandFailedException.timedOut(cmd, timeout, "interrupted");
        }
        if (!finished) {
            kill(p);
            out.finish();
            throw CommandFailedException.timedOut(cmd, timeout, err.finish());
        }
        return new Result(cmd, p.exitValue(), out.finish(), err.finish());
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(READER_JOIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drains one stream on its own thread so a full pipe never blocks the child. */
    private static final class StreamCollector extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        StreamCollector(InputStream in, String name) {
            super(name);
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buf) {
                        buf.write(chunk, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // Stream closed under us (process killed): keep what we have.
            }
        }

        String finish() {
            try {
                join(READER_JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * A command that could not be started, timed out or exited non-zero. The message names the
     * command and includes the first line of its stderr.
     */
    public static final class CommandFailedException extends PkttraceException {
        private static final long serialVersionUID = 1L;

        /** Exit code used when the command never produced one. */
        public static final int NO_EXIT_CODE = -1;

        private final List<String> argv;
        private final int exitCode;
        private final String stderr;
        private final boolean notFound;
        private final boolean timedOut;

        private CommandFailedException(String message, List<String> argv, int exitCode, String stderr,
                boolean notFound, boolean timedOut, Throwable cause) {
            super(message, null, cause);
            this.argv = List.copyOf(argv);
            this.exitCode = exitCode;
            this.stderr = stderr == null ? "" : stderr;
            this.notFound = notFound;
            this.timedOut = timedOut;
        }

        static CommandFailedException exited(Result r) {
            String detail = firstLine(r.stderr());
            if (detail.isEmpty()) {
                detail = firstLine(r.stdout());
            }
            String msg = "command failed (exit " + r.exitCode() + "): " + String.join(" ", r.argv())
                    + (detail.isEmpty() ? "" : ": " + detail);
            return new CommandFailedException(msg, r.argv(), r.exitCode(), r.stderr(), false, false, null);
        }

        static CommandFailedException notStarted(List<String> argv, IOException e) {
            // ProcessBuilder reports a missing program as "error=2, No such file or directory".
            String m = String.valueOf(e.getMessage());
            boolean missing = m.contains("error=2,") || m.contains("No such file or directory");
            String msg = missing
                    ? "command not found: " + argv.get(0)
                    : "cannot run " + argv.get(0) + ": " + m;
            return new CommandFailedException(msg, argv, NO_EXIT_CODE, m, missing, false, e);
        }

        static CommandFailedException timedOut(List<String> argv, Duration timeout, String stderr) {
            String msg = "command timed out after " + timeout.toMillis() + " ms: " + String.join(" ", argv);
            return new CommandFailedException(msg, argv, NO_EXIT_CODE, stderr, false, true, null);
        }

        public List<String> argv() {
            return argv;
        }

        /** The exit status, or {@link #NO_EXIT_CODE} if the command did not start or timed out. */
        public int exitCode() {
            return exitCode;
        }

        /** Everything the command wrote to stderr (empty if it did not start). */
        public String stderr() {
            return stderr;
        }

        /** True when the program does not exist (not on PATH). */
        public boolean notFound() {
            return notFound;
        }

        /** True when the command was killed because it exceeded its timeout. */
        public boolean timedOut() {
            return timedOut;
        }

        private static String firstLine(String s) {
            if (s == null) {
                return "";
            }
            for (String line : s.split("\n")) {
                if (!line.isBlank()) {
                    return line.strip();
                }
            }
            return "";
        }
    }
}
