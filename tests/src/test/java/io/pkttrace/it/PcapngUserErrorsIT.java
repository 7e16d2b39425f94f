package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad pcapng output, live and replayed: one line on stderr, exit status 2, and nothing written. A live
 * run fails before the kernel is touched (the same check as replay's, asserted on trace for two cases).
 */
class PcapngUserErrorsIT {
    @TempDir
    Path tmp;
    private Path recording;

    @BeforeEach
    void recording() throws Exception {
        recording = tmp.resolve("rec.jsonl");
        Files.writeString(recording, "{\"v\":1,\"ts_ns\":1000,\"time\":\"2026-01-01T00:00:00.000001000Z\",\"cpu\":0,"
                + "\"probe\":\"netpath\",\"hook\":\"tx\",\"pid\":0,\"len\":20,\"bytes\":\"RQAAFAABQABAAQAAxhIBAsYSAgI=\"}\n");
    }

    private String replay(String sink) throws Exception {
        return Cli.oneLine(Cli.run("replay", recording.toString(), "--sink", sink));
    }

    @Test
    void directory() throws Exception {
        assertEquals("pkttrace: sink pcapng: output '" + tmp + "' is a directory: give a file name", replay("pcapng:output=" + tmp));
        assertEquals("pkttrace: sink pcapng: output '" + tmp + "' is a directory: give a file name",
                Cli.oneLine(Cli.run("trace", "--probe", "netpath", "--sink", "pcapng:output=" + tmp, "--duration", "1")));
    }

    @Test
    void symbolicLink() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("trap.pcapng"), victim);
        assertEquals("pkttrace: sink pcapng: output '" + link + "' is a symbolic link: pkttrace does not follow a link"
                + " when it writes: give the real path, or - for standard output", replay("pcapng:output=" + link));
        assertEquals("keep", Files.readString(victim));
    }

    @Test
    void unwritable() throws Exception {
        // A read-only bind mount of the test's directory, in a mount namespace of pkttrace's own (root may write any file else).
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Path file = Files.writeString(ro.resolve("old.pcapng"), "old");
        List<String> readOnly = List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind -o ro \"$1\" \"$1\" && shift && exec \"$@\"", "sh", ro.toString());
        Cli.Result r = Cli.run(readOnly, Map.of(), 60, "replay", recording.toString(), "--sink", "pcapng:output=" + file);
        assertEquals("pkttrace: sink pcapng: output '" + file + "' is not writable: choose a file you may write", Cli.oneLine(r));
        assertEquals("old", Files.readString(file));
        assertEquals("pkttrace: sink pcapng: output directory /nonexistent-pt does not exist: create it first",
                replay("pcapng:output=/nonexistent-pt/x.pcapng"));
        assertEquals("pkttrace: sink pcapng: output '/proc/version' is on proc, a kernel interface file system, not a place"
                + " for output: give a file on an ordinary file system", replay("pcapng:output=/proc/version"));
    }

    @Test
    void snapLengthOutOfRange() throws Exception {
        Path out = tmp.resolve("x.pcapng");
        assertEquals("pkttrace: sink pcapng: option 'snaplen' is out of range: 0: give a whole number between 1 and 1024",
                replay("pcapng:output=" + out + ",snaplen=0"));
        assertEquals("pkttrace: sink pcapng: option 'snaplen' is out of range: 1025: give a whole number between 1 and 1024",
                Cli.oneLine(Cli.run("trace", "--probe", "netpath", "--sink", "pcapng:output=" + out + ",snaplen=1025", "--duration", "1")));
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void outputMissing() throws Exception {
        assertEquals("pkttrace: sink pcapng: option 'output' is required: give the capture file, e.g."
                + " --sink pcapng:output=trace.pcapng", replay("pcapng"));
    }
}
