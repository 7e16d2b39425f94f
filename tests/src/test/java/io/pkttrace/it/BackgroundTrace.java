package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** pkttrace running in the background; its output goes to files. Closing it kills a run the test did not end. */
final class BackgroundTrace implements AutoCloseable {
    final Process process;
    final Path out;
    final Path err;
    final String[] args;

    BackgroundTrace(String... args) throws IOException {
        this(List.of(), args);
    }

    /** pkttrace run by {@code prefix} (e.g. unshare ...). */
    BackgroundTrace(List<String> prefix, String... args) throws IOException {
        this.args = args;
        out = Files.createTempFile("pkttrace-bg-out", ".txt");
        err = Files.createTempFile("pkttrace-bg-err", ".txt");
        process = new ProcessBuilder(Cli.command(prefix, args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    /** Waits until the probes are attached ("pkttrace: tracing"). */
    void awaitTracing() throws Exception {
        awaitErr("pkttrace: tracing", 60);
    }

    /** Waits until standard error says {@code text}. */
    void awaitErr(String text, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (Files.readString(err).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                fail("pkttrace ended before saying '" + text + "':\n" + finish());
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        fail("pkttrace did not say '" + text + "' in " + seconds + " s:\n" + Files.readString(err));
    }

    /**
     * Waits until standard output (a sink's live rows) satisfies {@code ready}: for what the kernel does
     * after the sending process is gone (a datagram's drop in another namespace), instead of a fixed sleep.
     */
    void awaitOut(Predicate<String> ready, String what, int seconds) throws Exception {
        awaitFile(out, ready, what, seconds);
    }

    /** What standard output holds so far. */
    String out() throws IOException {
        return Files.readString(out);
    }

    /** Waits until {@code file} (e.g. the json sink's, written every round) satisfies {@code ready}; see {@link #awaitOut}. */
    void awaitFile(Path file, Predicate<String> ready, String what, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!ready.test(Files.exists(file) ? Files.readString(file) : "")) {
            if (!process.isAlive()) {
                fail("pkttrace ended before " + file.getFileName() + " showed " + what + ":\n" + finish());
            }
            if (System.nanoTime() > end) {
                fail(file.getFileName() + " did not show " + what + " in " + seconds + " s:\n" + Files.readString(err));
            }
            Thread.sleep(50);
        }
    }

    /** Ctrl-C: SIGINT to the JVM (bin/pkttrace execs java, so the pid is the JVM's); the run ends as a user ends it. */
    void interrupt() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    }

    /**
     * Ends a run that has no --duration once the test's traffic is done (Ctrl-C), so that no traffic
     * has to fit a fixed window. The status is then the signal's (130, see README "Errors"); what a
     * status 0 also said, that no component failed, is checked on the report instead.
     */
    Cli.Result stopWithCtrlC() throws Exception {
        interrupt();
        Cli.Result r = finish();
        assertEquals(130, r.exit(), "Ctrl-C: " + r);
        assertFalse(r.err().contains("component failed"), "no component failed: " + r);
        return r;
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
    }

    Cli.Result finish() throws Exception {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("pkttrace " + String.join(" ", args) + " did not finish");
            }
            return new Cli.Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
