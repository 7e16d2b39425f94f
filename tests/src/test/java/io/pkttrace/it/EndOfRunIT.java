package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a run ends (issue 10, items 5 and 6): with a sink that blocks, SIGTERM still ends the run
 * promptly, the other sinks are finished once and the blocked one never while its accept runs; with a
 * slow sink stopped early, every record is delivered, lost or left unread, and the report says so.
 */
class EndOfRunIT {
    private static final Pattern REPORT = Pattern.compile(
            "pkttrace: \\d+ events shown; kernel: (\\d+) produced, (\\d+) delivered, (\\d+) lost, \\d+ filtered; java: \\d+ filtered; (\\d+) left unread");

    @TempDir
    Path tmp;

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    /** Runs pkttrace until {@code ready} appears on its stderr, then SIGTERM; returns the ms from SIGTERM to exit and its stderr. */
    private record Ended(long millis, int exit, String err) {
    }

    private Ended terminateWhen(String ready, String... args) throws Exception {
        Path plugins = TestPlugins.distributionPlugins(tmp.resolve("plugins"));
        Files.copy(TestPlugins.testkit(tmp), plugins.resolve("testkit.jar"));
        Path err = tmp.resolve("err.txt");
        List<String> argv = new java.util.ArrayList<>(List.of("--plugins", plugins.toString(), "trace"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(Cli.command(List.of(), argv.toArray(new String[0])))
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Process ping = Loopback.ping(100_000, "0.002");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(err).contains(ready)) {
                assertTrue(p.isAlive(), "pkttrace ended early: " + Files.readString(err));
                assertTrue(System.nanoTime() < deadline, "never saw '" + ready + "': " + Files.readString(err));
                Thread.sleep(20);
            }
            Thread.sleep(1000); // let records pile up behind the sink
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pkttrace did not exit on SIGTERM");
            return new Ended((System.nanoTime() - t0) / 1_000_000, p.exitValue(), Files.readString(err));
        } finally {
            p.destroyForcibly();
            ping.destroy();
            ping.waitFor();
        }
    }

    private static long[] report(String err) {
        Matcher m = REPORT.matcher(err);
        assertTrue(m.find(), "the report: " + err);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))};
    }

    @Test
    void sigtermWithABlockedSinkEndsPromptlyAndFinishesTheOtherSinksOnce() throws Exception {
        Path json = tmp.resolve("out.jsonl");
        Ended e = terminateWhen("slow: blocked", "--probe", "netpath:hooks=tx,rx", "-a", "either=127.0.0.1",
                "--sink", "json:output=" + json, "--sink", "slow:ms=0", "--stats");
        // The promise: drain bound (1 s) + grace + a bounded finish, then the JVM exits. A blocked sink that held
        // up the end would never let it exit; 10 s leaves a loaded machine headroom and still tells the two apart.
        assertTrue(e.millis() < 10_000, "SIGTERM to exit took " + e.millis() + " ms (drain bound 1 s): " + e.err());
        assertFalse(e.err().contains("slow: finish"), "the blocked sink is never finished: " + e.err());
        assertTrue(e.err().contains("pkttrace: component failed: sink slow: did not return from accept/flush within the drain bound"
                + " of 1 s: not finished"), e.err());
        long[] r = report(e.err());
        assertEquals(r[0], r[1] + r[2] + r[3], "produced == delivered + lost + left unread: " + e.err());
        assertTrue(r[3] > 0, "records piled up behind the blocked sink are left unread: " + e.err());
        assertTrue(e.err().contains(" events were left unread in the ring buffers: the consumer did not return from sink slow"
                + " within the drain bound of 1 s"), e.err());
        List<String> lines = Files.readAllLines(json);
        assertFalse(lines.isEmpty(), "the json sink got the events before the blocked one");
        ObjectMapper m = new ObjectMapper();
        for (String l : lines) {
            assertEquals(1, m.readTree(l).get("v").asInt(), "finished and flushed: every line is whole: " + l);
        }
    }

    @Test
    void aSlowSinkStoppedEarlyAccountsForEveryRecordAndIsFinishedOnce() throws Exception {
        Ended e = terminateWhen("Ctrl-C to stop", "--probe", "netpath:hooks=tx,rx", "-a", "either=127.0.0.1",
                "--sink", "slow:ms=5", "--stats");
        assertTrue(e.millis() < 10_000, "SIGTERM to exit took " + e.millis() + " ms (drain bound 1 s): " + e.err());
        long[] r = report(e.err());
        assertEquals(r[0], r[1] + r[2] + r[3], "produced == delivered + lost + left unread: " + e.err());
        assertTrue(r[3] > 0, "the slow sink could not keep up: " + e.err());
        assertTrue(e.err().contains(" events were left unread in the ring buffers: reading stopped when the drain bound of 1 s"
                + " ended (a sink or filter was too slow)"), e.err());
        assertEquals(1, e.err().lines().filter(l -> l.startsWith("slow: finish after ")).count(), "finished once, after its last accept: "
                + e.err());
        assertFalse(e.err().contains("component failed"), "slow is not failed: " + e.err());
    }
}
