package io.pkttrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.jsonl.JsonLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pkttrace replay} drives sinks as the engine does, without any kernel access. */
class ReplayCommandTest {
    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        RecordingSinkFactory.CREATED.clear();
    }

    private static String line(long ts, int seq) {
        // time - ts_ns = 1 750 000 000 000 000 000 - 5 000 000 000 for every line
        long wall = 1_750_000_000_000_000_000L - 5_000_000_000L + ts;
        String time = java.time.Instant.ofEpochSecond(wall / 1_000_000_000L, wall % 1_000_000_000L).toString();
        return "{\"v\":1,\"ts_ns\":" + ts + ",\"time\":\"" + time + "\",\"cpu\":0,\"probe\":\"netpath\",\"hook\":\"tx\","
                + "\"pid\":1,\"len\":84,\"family\":4,\"src\":\"198.18.1.2\",\"dst\":\"198.18.2.2\",\"proto\":1,"
                + "\"icmp_type\":8,\"icmp_code\":0,\"icmp_id\":7,\"icmp_seq\":" + seq + "}";
    }

    private Path recording(int events) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            lines.add(line(5_000_000_000L + i * 1000L, i % 65536));
        }
        Path f = dir.resolve("rec.jsonl");
        Files.write(f, lines);
        return f;
    }

    private ReplayCommand command(Path file, String... sinks) throws Exception {
        PkttraceCommand root = new PkttraceCommand();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        root.pluginDirs.add(plugins);
        ReplayCommand c = new ReplayCommand();
        c.root = root;
        c.file = file.toString();
        c.sinks = new ArrayList<>(List.of(sinks));
        return c;
    }

    @Test
    void drivesEverySinkLikeTheEngineDoes() throws Exception {
        Path f = recording(600);
        assertEquals(0, command(f, "recording:tag=a", "recording:tag=b").call());
        assertEquals(2, RecordingSinkFactory.CREATED.size());
        for (RecordingSinkFactory.Recording r : RecordingSinkFactory.CREATED) {
            assertEquals(600, r.events.size());
            assertEquals(599, r.events.get(599).icmpSeq());
            assertEquals(new RunStats(600, 600, 0, 0, 0, 600), r.stats, "a recording's events are produced and delivered once each");
            assertEquals("start", r.calls.get(0));
            assertEquals(List.of("flush", "finish", "close"), r.calls.subList(r.calls.size() - 3, r.calls.size()));
            // Sinks flush when the consumer goes idle (and at most once per poll interval while busy): the
            // last events are flushed before the end, at most once per round of 256 records read.
            assertEquals("flush", r.calls.get(r.calls.lastIndexOf("accept") + 1), "what was accepted is flushed before finish");
            int flushes = Collections.frequency(r.calls, "flush");
            assertTrue(flushes >= 1 && flushes <= 3, flushes + " flushes for 3 rounds of up to " + ReplayCommand.BATCH + " events");
            assertEquals(List.of(Long.toString(1_750_000_000_000_000_000L - 5_000_000_000L)),
                    r.options.all(JsonLines.CLOCK_OFFSET_OPTION), "the recording's clock offset is passed on");
        }
    }

    @Test
    void theUsersOwnClockOffsetWins() throws Exception {
        assertEquals(0, command(recording(1), "recording:clock-offset-ns=5").call());
        assertEquals(List.of("5"), RecordingSinkFactory.CREATED.get(0).options.all(JsonLines.CLOCK_OFFSET_OPTION));
    }

    @Test
    void aMalformedLineEndsTheReplayAfterTheSinksShowedWhatCameBefore() throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, line(1, 1) + "\n" + line(2, 2) + "\n{\"v\":1,\"ts_ns\":\"x\"}\n" + line(3, 3) + "\n");
        PkttraceException e = assertThrows(PkttraceException.class, () -> command(f, "recording").call());
        assertEquals(f + " line 3: field 'ts_ns' must be an integer, got \"x\"", e.userLine());
        RecordingSinkFactory.Recording r = RecordingSinkFactory.CREATED.get(0);
        assertEquals(2, r.events.size());
        assertEquals(List.of("flush", "finish", "close"), r.calls.subList(r.calls.size() - 3, r.calls.size()));
    }

    @Test
    void userErrors() throws Exception {
        Path f = recording(1);
        String unknown = assertThrows(PkttraceException.class, () -> command(f, "nope").call()).userLine();
        assertTrue(unknown.startsWith("unknown sink 'nope': available: ") && unknown.contains(", recording"),
                "lists the sinks on the class path (the real ones too): " + unknown);
        assertEquals("cannot read " + dir.resolve("missing.jsonl") + ": no such file",
                assertThrows(PkttraceException.class, () -> command(dir.resolve("missing.jsonl"), "recording").call()).userLine());
        assertEquals("sink recording: output " + f + " is the file being replayed: write to another file",
                assertThrows(PkttraceException.class, () -> command(f, "recording:output=" + f).call()).userLine());
        assertTrue(RecordingSinkFactory.CREATED.isEmpty(), "no sink is created before the input and options are valid");
        assertFalse(Files.readString(f).isEmpty());
    }
}
