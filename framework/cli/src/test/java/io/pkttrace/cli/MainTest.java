package io.pkttrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line errors that need no kernel: one line on stderr, exit 2. */
class MainTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;
    @TempDir
    Path emptyPlugins;

    @BeforeEach
    void capture() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restore() {
        System.setErr(savedErr);
    }

    private String errLine() {
        String s = err.toString().strip();
        assertEquals(1, s.lines().count(), "exactly one line: " + s);
        return s;
    }

    @Test
    void unknownOptionIsOneLine() {
        assertEquals(2, Main.run("ping", "--bogus", "x"));
        assertTrue(errLine().startsWith("pkttrace: Unknown option: '--bogus'"), err.toString());
    }

    @Test
    void invalidTargetIsOneLine() {
        assertEquals(2, Main.run("--plugins", emptyPlugins.toString(), "ping", "no such host..invalid"));
        assertTrue(errLine().contains("invalid target 'no such host..invalid'"), err.toString());
    }

    @Test
    void unknownProbeListsNoneInstalled() {
        assertEquals(2, Main.run("--plugins", emptyPlugins.toString(), "trace", "--probe", "nope"));
        assertEquals("pkttrace: unknown probe 'nope': no probe plugin is installed (see pkttrace plugins)", errLine());
    }

    @Test
    void badRingSize() {
        assertEquals(2, Main.run("--plugins", emptyPlugins.toString(), "trace", "--ring-size", "5000"));
        assertTrue(errLine().contains("--ring-size must be a power of two"), err.toString());
    }

    @Test
    void countOutOfRange() {
        assertEquals(2, Main.run("--plugins", emptyPlugins.toString(), "ping", "-c", "0", "127.0.0.1"));
        assertTrue(errLine().contains("-c must be between 1 and 1000"), err.toString());
    }
}
