package io.pkttrace.cli;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.core.bpf.NativeBpf;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The live status line of a trace on a terminal: events shown and per second, lost, filtered, elapsed,
 * redrawn in place on stderr {@value #PERIOD_MS} ms apart. Only when stderr is a terminal (never in a
 * pipe or a file) and stdout is not that same terminal (event rows written there would land after it).
 * While it runs, every other stderr write first erases it (it comes back at the next redraw, at the
 * start of a line), and closing erases it, before the final report.
 */
final class StatusLine implements AutoCloseable {
    static final long PERIOD_MS = 250;
    /** Tests force it on or off regardless of the terminal (true/false). */
    static final String FORCE_PROPERTY = "pkttrace.status";
    private static final String ERASE = "\r\033[K";

    private final Supplier<RunStats> stats;
    private final PrintStream terminal;
    private final PrintStream previousErr;
    private final Object lock = new Object();
    private final long startNs = System.nanoTime();
    private final Thread thread;
    private boolean shown;
    private boolean atLineStart = true;
    private long lastEmitted;
    private long lastNs = startNs;
    private double rate;

    private StatusLine(Supplier<RunStats> stats) {
        this.stats = stats;
        this.previousErr = System.err;
        this.terminal = previousErr;
        System.setErr(new PrintStream(new Guarded(), true, StandardCharsets.UTF_8));
        thread = new Thread(this::run, "pkttrace-status");
        thread.setDaemon(true);
        thread.start();
    }

    /** A running status line, or null when stderr is no terminal (or stdout is the same terminal). */
    static StatusLine startIfTerminal(Supplier<RunStats> stats) {
        return wanted() ? new StatusLine(stats) : null;
    }

    static boolean wanted() {
        String forced = System.getProperty(FORCE_PROPERTY);
        if (forced != null) {
            return Boolean.parseBoolean(forced);
        }
        try {
            if (NativeBpf.get().libc().isatty(2) != 1) {
                return false;
            }
            return NativeBpf.get().libc().isatty(1) != 1 || !sameFile(1, 2);
        } catch (PkttraceException | RuntimeException e) {
            return false;
        }
    }

    private static boolean sameFile(int a, int b) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + a)).equals(Files.readSymbolicLink(Path.of("/proc/self/fd/" + b)));
        } catch (IOException | RuntimeException e) {
            return true; // cannot tell: assume the worst (rows would be broken)
        }
    }

    /** One status text, e.g. {@code pkttrace: 1200 events (400/s), 0 lost, 35 filtered, 3.0 s}. */
    static String format(RunStats s, double perSecond, double elapsedSeconds) {
        return String.format(Locale.ROOT, "pkttrace: %d events (%.0f/s), %d lost, %d filtered, %.1f s", s.emitted(), perSecond,
                s.lostInKernel(), s.filteredInKernel() + s.filteredInJava(), elapsedSeconds);
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(PERIOD_MS);
                RunStats s = stats.get();
                if (s == null) {
                    return;
                }
                long now = System.nanoTime();
                double dt = (now - lastNs) / 1e9;
                rate = dt > 0 ? (s.emitted() - lastEmitted) / dt : rate;
                lastEmitted = s.emitted();
                lastNs = now;
                draw(format(s, rate, (now - startNs) / 1e9));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void draw(String text) {
        synchronized (lock) {
            if (!atLineStart) {
                return; // another writer is in the middle of a line: wait for the next round
            }
            terminal.print(ERASE + text);
            terminal.flush();
            shown = true;
        }
    }

    private void eraseLocked() {
        if (shown) {
            terminal.print(ERASE);
            terminal.flush();
            shown = false;
        }
    }

    /** Stops redrawing, erases the line, gives stderr back. Idempotent. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            eraseLocked();
            if (System.err != previousErr) {
                System.err.flush();
                System.setErr(previousErr);
            }
        }
    }

    /** stderr while the line is up: erases it before anything else is written. */
    private final class Guarded extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len == 0) {
                return;
            }
            synchronized (lock) {
                eraseLocked();
                terminal.write(b, off, len);
                atLineStart = b[off + len - 1] == '\n';
            }
        }

        @Override
        public void flush() {
            terminal.flush();
        }
    }
}
