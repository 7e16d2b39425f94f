package io.pkttrace.plugins.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.PkttraceException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outputs a root pkttrace writes, and the traps it refuses. */
class OutputFileCheckTest {
    private static final String SINK = "sink json";

    @TempDir
    Path dir;

    private static String refused(String path) {
        return assertThrows(ConfigException.class, () -> OutputTarget.parse(SINK, path)).userLine();
    }

    private static void write(OutputTarget t, String text) throws Exception {
        try (OutputStream o = t.open()) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aSymlinkIsRefusedAndItsTargetUntouched() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path link = Files.createSymbolicLink(dir.resolve("out.jsonl"), victim);
        String line = refused(link.toString());
        assertTrue(line.startsWith("sink json: output '" + link + "' is a symbolic link: pkttrace does not follow a link"), line);
        assertTrue(refused(Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nothing")).toString())
                .contains("is a symbolic link"));
        assertEquals("precious", Files.readString(victim));
    }

    @Test
    void aLinkPlantedAfterTheCheckIsStillRefusedWhenOpening() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path out = dir.resolve("out.jsonl");
        OutputTarget t = OutputTarget.parse(SINK, out.toString()); // nothing there yet: fine
        Files.createSymbolicLink(out, victim);                     // the trap is laid in between
        PkttraceException e = assertThrows(PkttraceException.class, t::open);
        assertTrue(e.userLine().contains("is a symbolic link"), e.userLine());
        assertEquals("precious", Files.readString(victim));
    }

    @Test
    void aHardLinkIsRefused() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path link = Files.createLink(dir.resolve("out.jsonl"), victim);
        assertTrue(refused(link.toString()).contains("has 2 hard links"));
        assertEquals("precious", Files.readString(victim));
    }

    @Test
    void kernelInterfaceFilesAndDevicesAreRefused() {
        assertTrue(refused("/proc/version").contains("is on proc, a kernel interface file system"));
        assertTrue(refused("/proc/sys/kernel/nothing-here").contains("is on proc"));
        assertTrue(refused("/dev/zero").contains("is a device or special file"));
        assertTrue(refused("/dev/kmsg").contains("is a device or special file"));
        assertTrue(refused(dir.toString()).contains("is a directory"));
    }

    @Test
    void aFileOfAnotherUserIsRefused() throws Exception {
        if (!"0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")))) {
            org.junit.jupiter.api.Assertions.assertNotEquals("true", System.getenv("CI"), "needs root (CI=true)");
            org.junit.jupiter.api.Assumptions.abort("chown needs root");
        }
        Path theirs = Files.writeString(dir.resolve("theirs.jsonl"), "their data");
        Files.setAttribute(theirs, "unix:uid", 65534);
        assertTrue(refused(theirs.toString()).contains("belongs to user 65534"));
    }

    @Test
    void newAndOwnRegularFilesAreWrittenAndTruncated() throws Exception {
        Path fresh = dir.resolve("new.jsonl");
        write(OutputTarget.parse(SINK, fresh.toString()), "one\n");
        assertEquals("one\n", Files.readString(fresh));
        write(OutputTarget.parse(SINK, fresh.toString()), "2\n");
        assertEquals("2\n", Files.readString(fresh), "an existing file of one's own is truncated");
    }

    @Test
    void aFileWithContentThatPkttraceDidNotWriteIsNotOverwritten() throws Exception {
        Path system = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        assertEquals("sink json: output '" + system + "' exists and pkttrace did not write it: it is not overwritten: remove it first"
                + " if it may go, or choose a new file name", refused(system.toString()));
        assertEquals("root:x:0:0:root:/root:/bin/bash\n", Files.readString(system));
        Path empty = Files.createFile(dir.resolve("empty.jsonl")); // nothing to lose: e.g. made by mktemp
        write(OutputTarget.parse(SINK, empty.toString()), "one\n");
        assertEquals("one\n", Files.readString(empty));
    }

    @Test
    void devNullAndFifosAreAccepted() throws Exception {
        write(OutputTarget.parse(SINK, "/dev/null"), "discarded");
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        OutputTarget.parse(SINK, fifo.toString()); // accepted; opening would wait for a reader
    }
}
