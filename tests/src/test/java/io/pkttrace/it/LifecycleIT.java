package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nothing of pkttrace stays in the kernel after it ends, normally or by SIGTERM. */
class LifecycleIT {
    @BeforeEach
    void gate() throws Exception {
        KernelTestSupport.requireBpf();
        assertEquals(List.of(), KernelTestSupport.awaitNoPkttracePrograms(), "leftovers from an earlier test");
    }

    @Test
    void aTimedTraceDetachesEverything() throws Exception {
        Cli.Result res = Cli.run("trace", "--duration", "1", "--stats");
        assertEquals(0, res.exit(), res.toString());
        assertTrue(res.err().contains("produced"), "--stats prints the counters: " + res);
        assertEquals(List.of(), KernelTestSupport.awaitNoPkttracePrograms());
    }

    @Test
    void countStopsTheTrace() throws Exception {
        // Loopback pings make the events; --count ends the run by itself.
        Process ping = Loopback.ping("0.05");
        try {
            Cli.Result res = Cli.run(List.of(), java.util.Map.of(), 120, "trace", "--count", "5", "--probe", "netpath:hooks=tx,rx");
            assertEquals(0, res.exit(), res.toString());
            long rows = res.out().lines().filter(l -> l.startsWith("[")).count();
            assertEquals(5, rows, res.toString());
        } finally {
            ping.destroy();
            ping.waitFor();
        }
        assertEquals(List.of(), KernelTestSupport.awaitNoPkttracePrograms());
    }

    @Test
    void sigtermDetachesEverything() throws Exception {
        signalDetachesEverything(false);
    }

    @Test
    void ctrlCDetachesEverything() throws Exception {
        signalDetachesEverything(true);
    }

    private void signalDetachesEverything(boolean interrupt) throws Exception {
        Path err = Files.createTempFile("pkttrace-err", ".txt");
        Process p = new ProcessBuilder(Cli.command(List.of(), "trace", "--stats"))
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(err).contains("Ctrl-C to stop")) {
                assertTrue(p.isAlive(), "pkttrace ended early: " + Files.readString(err));
                assertTrue(System.nanoTime() < deadline, "pkttrace did not start tracing");
                Thread.sleep(50);
            }
            assertTrue(!KernelTestSupport.loadedPkttracePrograms().isEmpty(), "while tracing, its programs are loaded");
            if (interrupt) {
                // Ctrl-C: SIGINT to the JVM (bin/pkttrace execs java, so the pid is the JVM's)
                assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
            } else {
                p.destroy(); // SIGTERM
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pkttrace did not exit on the signal");
            String text = Files.readString(err);
            assertTrue(text.contains("produced"), "the shutdown hook reports the run: " + text);
            assertEquals(List.of(), KernelTestSupport.awaitNoPkttracePrograms());
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(err);
        }
    }
}
