package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.charset.StandardCharsets;
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
 * The live status line of {@code trace}: on a terminal (a pseudo-terminal made by {@code script}), redrawn
 * in place a few times per second with events/s, lost, filtered, elapsed, and erased before the final
 * report; never when stderr is a file or a pipe.
 */
class StatusLineIT {
    private static final String ERASE = "\r\033[K";
    private static final Pattern STATUS = Pattern.compile(
            "pkttrace: (\\d+) events \\((\\d+)/s\\), (\\d+) lost, (\\d+) filtered, (\\d+\\.\\d) s");

    @TempDir
    Path tmp;

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    @Test
    void onATerminalItIsRedrawnInPlaceAndErasedBeforeTheReport() throws Exception {
        Path typescript = tmp.resolve("typescript");
        Path rows = tmp.resolve("rows.txt");
        // stdout to a file: event rows on the same terminal would land after the line, so it is shown only then
        String command = String.join(" ", Cli.command(List.of(), "trace", "--duration", "3", "--stats")) + " > " + rows;
        Process ping = Loopback.ping("0.05"); // outlasts the start and the 3 s, however slow the start
        try {
            Process p = new ProcessBuilder("script", "-qfec", command, typescript.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "trace under script did not end");
            assertEquals(0, p.exitValue());
        } finally {
            ping.destroy();
        }
        String term = Files.readString(typescript, StandardCharsets.UTF_8);
        int firstStatus = term.indexOf(ERASE + "pkttrace: ");
        assertTrue(firstStatus > 0, "a status line was drawn: " + term);
        String statusPart = term.substring(firstStatus);
        Matcher m = STATUS.matcher(statusPart);
        int redraws = 0;
        long maxEvents = 0;
        double lastElapsed = 0;
        int lastEnd = 0;
        while (m.find()) {
            redraws++;
            maxEvents = Math.max(maxEvents, Long.parseLong(m.group(1)));
            double elapsed = Double.parseDouble(m.group(5));
            assertTrue(elapsed >= lastElapsed, "elapsed grows: " + statusPart);
            lastElapsed = elapsed;
            assertTrue(statusPart.startsWith(ERASE, m.start() - ERASE.length()), "each redraw starts by erasing the line");
            lastEnd = m.end();
        }
        assertTrue(redraws >= 4 && redraws <= 3 * 4 + 3, "redrawn at most 4 times per second over 3 s: " + redraws);
        assertTrue(maxEvents > 0, "the ping's packets are counted: " + statusPart);
        String after = statusPart.substring(lastEnd);
        assertTrue(after.startsWith(ERASE), "the last status is erased before anything else: " + after);
        String report = after.substring(ERASE.length());
        assertTrue(report.contains("events shown; kernel:"), "the final report follows on a clean line: " + report);
        assertFalse(report.contains(" events ("), "no status text after the erase: " + report);
        String out = Files.readString(rows);
        assertTrue(out.contains("127.0.0.1 -> 127.0.0.1"), "event rows (the ping's, among others) went to stdout: " + out);
        assertFalse(out.contains("\033"), "stdout is clean");
    }

    @Test
    void neverInAFileOrAPipe() throws Exception {
        Process ping = Loopback.ping(30, "0.05");
        try {
            Cli.Result toFile = Cli.run(List.of(), java.util.Map.of(), 60, "trace", "--duration", "1.5");
            assertEquals(0, toFile.exit(), toFile.toString());
            assertFalse(toFile.err().contains("\033") || toFile.err().contains("\r"), "stderr to a file: " + toFile);
            Process p = new ProcessBuilder(Cli.command(List.of(), "trace", "--duration", "1.5"))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), err);
            assertTrue(err.contains("tracing for 1.5 s"), err);
            assertFalse(err.contains("\033") || err.contains(" events ("), "stderr to a pipe: " + err);
        } finally {
            ping.destroy();
        }
    }
}
