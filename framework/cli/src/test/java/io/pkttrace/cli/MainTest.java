package io.pkttrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
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
    void libbpfAndTheKernelsBtfAreMadeReadyEarlyOnlyForCommandsThatLoadBpf() {
        for (String[] line : new String[][] {{"trace", "--probe", "netpath"}, {"--plugins", "/x", "trace"}, {"ping", "198.18.0.1"},
                {"demo"}, {"doctor"}, {"-v", "vrouter", "--binary", "/x"}}) {
            assertTrue(Main.loadsBpf(line), String.join(" ", line));
        }
        for (String[] line : new String[][] {{}, {"--help"}, {"--version"}, {"plugins"}, {"help", "trace"}, {"trace", "--help"},
                {"trace", "-h"}, {"replay", "x.jsonl"}, {"completion", "bash"}, {"--no-such-option", "trace"}}) {
            assertTrue(!Main.loadsBpf(line), String.join(" ", line));
        }
    }

    @Test
    void aLineThatNamesACommandBuildsThatCommandAloneTheOthersGetAll() throws Exception {
        List<String> all = List.of("ping", "trace", "replay", "demo", "plugins", "doctor", "completion", "help");
        String dir = emptyPlugins.toString();
        for (String[] line : new String[][] {{}, {"--help"}, {"--version"}, {"help", "trace"}, {"--plugins", dir, "completion", "bash"},
                {"--plugins", dir, "no-such-command"}}) {
            assertEquals(all, List.copyOf(Main.commandLine(new PkttraceCommand(), line).getSubcommands().keySet()), String.join(" ", line));
        }
        for (String c : List.of("ping", "trace", "replay", "demo", "plugins", "doctor")) {
            assertEquals(List.of(c), List.copyOf(Main.commandLine(new PkttraceCommand(), "--plugins", dir, c, "--help")
                    .getSubcommands().keySet()), c);
        }
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
        assertEquals("pkttrace: -c must be between 1 and 1000: 0: e.g. -c 3", errLine());
    }

    @Test
    void ringSizeThatWouldOverflowTheMapping() {
        assertEquals(2, Main.run("--plugins", emptyPlugins.toString(), "trace", "--ring-size", "1073741824"));
        assertEquals("pkttrace: --ring-size must be a power of two from 4096 to 536870912 (512 MiB): 1073741824: e.g. 4194304",
                errLine());
    }

    @Test
    void durationThatIsNotARealNumberOfSeconds() {
        for (String d : new String[] {"NaN", "Infinity", "-1", "0", "1e300", "0.0000001"}) {
            err.reset();
            assertEquals(2, Main.run("--plugins", emptyPlugins.toString(), "trace", "--duration", d), d);
            assertTrue(errLine().startsWith("pkttrace: --duration must be between 0.001 and 31536000 seconds (a year): "), d + ": " + err);
        }
    }

    @Test
    void anEmptyTargetIsNotLoopback() {
        assertEquals(2, Main.run("--plugins", emptyPlugins.toString(), "ping", ""));
        assertEquals("pkttrace: the target is empty: give an IPv4 or IPv6 address or a host name", errLine());
    }

    @Test
    void aParameterErrorQuotingANewlineIsOneLine() {
        assertEquals(2, Main.run("--plugins", emptyPlugins.toString(), "ping", "--netns", "x", "a", "b\nc"));
        assertEquals("pkttrace: Unmatched argument at index 6: 'b\\nc': see ping --help", errLine());
    }
}
