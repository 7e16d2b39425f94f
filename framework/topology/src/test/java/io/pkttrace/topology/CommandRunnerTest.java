package io.pkttrace.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.topology.CommandRunner.CommandFailedException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {
    private final CommandRunner runner = new CommandRunner();

    @Test
    void capturesStdout() throws Exception {
        CommandRunner.Result r = runner.run("echo", "hello");
        assertEquals(0, r.exitCode());
        assertEquals("hello\n", r.stdout());
        assertEquals("", r.stderr());
        assertEquals(List.of("echo", "hello"), r.argv());
    }

    @Test
    void argumentsAreNotInterpretedByAShell() throws Exception {
        assertEquals("$HOME;* `id`\n", runner.run("echo", "$HOME;* `id`").stdout());
    }

    @Test
    void nonZeroExitThrowsWithStderr() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run("sh", "-c", "echo out; echo boom >&2; exit 3"));
        assertEquals(3, e.exitCode());
        assertEquals("boom\n", e.stderr());
        assertTrue(e.getMessage().contains("exit 3") && e.getMessage().endsWith(": boom"), e.getMessage());
        assertFalse(e.notFound());
        assertFalse(e.timedOut());
    }

    @Test
    void tryRunReportsTheExitCode() throws Exception {
        CommandRunner.Result r = runner.tryRun(List.of("sh", "-c", "echo x >&2; exit 7"));
        assertEquals(7, r.exitCode());
        assertFalse(r.ok());
        assertEquals("x\n", r.stderr());
    }

    @Test
    void missingProgramIsNotFound() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run("pkttrace-no-such-program-xyz"));
        assertTrue(e.notFound());
        assertEquals(CommandFailedException.NO_EXIT_CODE, e.exitCode());
        assertEquals("command not found: pkttrace-no-such-program-xyz", e.getMessage());
    }

    @Test
    void timeoutKillsTheCommand() {
        long t0 = System.nanoTime();
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(Duration.ofMillis(300), List.of("sleep", "30")));
        assertTrue(e.timedOut());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "took too long");
    }

    @Test
    void largeOutputOnBothStreamsDoesNotDeadlock() throws Exception {
        CommandRunner.Result r = runner.run(Duration.ofSeconds(20),
                List.of("sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' a; head -c 1000000 /dev/zero | tr '\\0' b >&2"));
        assertEquals(1_000_000, r.stdout().length());
        assertEquals(1_000_000, r.stderr().length());
    }

    @Test
    void stdinIsEmpty() throws Exception {
        assertEquals("", runner.run("cat").stdout()); // would hang if stdin were an open pipe
    }

    @Test
    void rejectsEmptyCommandAndBadTimeout() {
        assertThrows(IllegalArgumentException.class, () -> runner.run(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new CommandRunner(Duration.ZERO));
    }
}
