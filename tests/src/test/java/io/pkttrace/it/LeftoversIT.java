package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import io.pkttrace.topology.NetnsOwners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 11: what a pkttrace killed with SIGKILL left (namespaces and their /run/netns mounts)
 * is removed by the next demo, and nothing else: not a look-alike namespace another tool made, not the
 * namespaces of a demo that is still running. The kernel removes the rest itself: the netfilter probe's
 * table (owner flag) and every BPF program and link (held by the process's file descriptors).
 */
class LeftoversIT {
    private static final Pattern REMOVED = Pattern.compile("pkttrace: removed network namespaces left by a pkttrace that was killed: (.*)");

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();
    private final List<String> cleanup = new ArrayList<>();

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    @AfterEach
    void removeEverything() throws Exception {
        for (Process p : started) {
            new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        for (String prefix : cleanup) {
            for (String n : namespaces()) {
                if (n.startsWith(prefix)) {
                    new ProcessBuilder("ip", "netns", "del", n).start().waitFor();
                }
            }
            for (String record : ownerRecords(prefix)) {
                Files.deleteIfExists(NetnsOwners.DEFAULT_DIR.resolve(record.substring("record ".length())));
            }
        }
    }

    /** The namespace prefix of a demo run by process {@code pid} (Topology's: pt, the pid in base 36, '-'). */
    private static String prefixOf(long pid) {
        return "pt" + Long.toString(pid, 36) + "-";
    }

    private static List<String> namespaces() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "list").start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out.lines().map(l -> l.split(" ")[0]).toList();
    }

    private static Set<String> namespacesOf(String prefix) throws IOException, InterruptedException {
        return new TreeSet<>(namespaces().stream().filter(n -> n.startsWith(prefix)).toList());
    }

    /** Starts a demo writing to files; returns it once {@code ready} holds for its stdout and its prefix. */
    private Process demoUntil(String what, Predicate<String> ready, Path out) throws Exception {
        Process p = new ProcessBuilder(Cli.command(List.of(), "demo")).redirectOutput(out.toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile()).start();
        started.add(p);
        cleanup.add(prefixOf(p.pid()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready.test(Files.readString(out) + "\n" + String.join("\n", ownerRecords(prefixOf(p.pid()))))) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "the demo never reached " + what + ": " + Files.readString(out));
            Thread.sleep(5);
        }
        return p;
    }

    private static List<String> ownerRecords(String prefix) throws IOException {
        if (!Files.isDirectory(NetnsOwners.DEFAULT_DIR)) {
            return List.of();
        }
        try (var s = Files.list(NetnsOwners.DEFAULT_DIR)) {
            return s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(prefix)).map(n -> "record " + n).toList();
        }
    }

    private static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void theNextDemoRemovesExactlyWhatKilledDemosLeft() throws Exception {
        // Another tool's namespace named like a demo's, of a process that does not run (it has no owner record).
        String lookAlike = prefixOf(deadPid()) + "zz-client";
        cleanup.add(lookAlike);
        assertEquals(0, new ProcessBuilder("ip", "netns", "add", lookAlike).start().waitFor());

        // A demo that runs all along (stopped, so that it surely runs while the others clean up).
        Path runningOut = tmp.resolve("running");
        Process running = demoUntil("its topology", text -> text.contains("# demo topology"), runningOut);
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(running.pid())).start().waitFor());
        Set<String> runningNs = namespacesOf(prefixOf(running.pid()));
        assertEquals(3, runningNs.size(), runningNs.toString());

        // Demos killed at three points: while their namespaces are made, once they exist, while they trace.
        // Each next demo removes what the one before left, at its start; a last one removes the third's.
        Set<String> leftBefore = Set.of();
        Path previousErr = null;
        List<Long> killedPids = new ArrayList<>();
        for (String point : List.of("record ", "# demo topology", "request ")) {
            Path out = tmp.resolve("killed-" + killedPids.size());
            Process p = demoUntil(point, text -> text.contains(point), out);
            // Stopped first, so that it starts no command between the list of its commands and the kill.
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(p.pid())).start().waitFor());
            List<ProcessHandle> children = p.descendants().toList();
            kill9(p);
            assertEquals(leftBefore, removedBy(Files.readString(errOf(out)), leftBefore, lookAlike, runningNs),
                    "what the demo killed before left, removed by the next: " + previousErr);
            awaitGone(children); // an `ip netns add` the kill orphaned finishes
            leftBefore = namespacesOf(prefixOf(p.pid()));
            previousErr = errOf(out);
            killedPids.add(p.pid());
        }
        assertFalse(leftBefore.isEmpty(), "SIGKILL while tracing left nothing: the last step shows nothing");

        Cli.Result next = Cli.run(List.of(), java.util.Map.of(), 120, "demo");
        assertEquals(0, next.exit(), next.toString());
        assertEquals(leftBefore, removedBy(next.err(), leftBefore, lookAlike, runningNs), next.err());
        for (long pid : killedPids) {
            assertEquals(List.of(), namespacesOf(prefixOf(pid)).stream().filter(n -> !n.equals(lookAlike)).toList());
            assertEquals(List.of(), ownerRecords(prefixOf(pid)), "owner records of " + pid);
        }
        assertTrue(namespaces().contains(lookAlike), "another tool's namespace was removed");
        assertEquals(runningNs, namespacesOf(prefixOf(running.pid())), "a running demo's namespaces were touched");

        // The running demo goes on unharmed and removes its own.
        assertEquals(0, new ProcessBuilder("kill", "-CONT", Long.toString(running.pid())).start().waitFor());
        assertTrue(running.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, running.exitValue(), Files.readString(runningOut));
        assertEquals(Set.of(), namespacesOf(prefixOf(running.pid())));
        assertEquals(16, TraceRow.parse(Files.readString(runningOut)).stream()
                .filter(r -> r.hook().equals("tx") || r.hook().equals("rx")).count(), "the running demo traced both pings");

        // What the kernel cleans up by itself: the netfilter table (owner flag) and the BPF programs.
        String tables = run("nft", "list", "tables");
        for (long pid : killedPids) {
            assertFalse(tables.contains("pkttrace_" + pid + "_"), tables);
        }
        assertEquals(List.of(), KernelTestSupport.awaitNoPkttracePrograms(), "BPF programs named pt_ that no process holds");
    }

    /** Waits until the processes a killed demo had started (orphaned by the kill) are gone. */
    private static void awaitGone(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (processes.stream().anyMatch(ProcessHandle::isAlive)) {
            assertTrue(System.nanoTime() < deadline, "the killed demo's commands still run 60 s later: " + processes);
            Thread.sleep(20);
        }
    }

    private static Path errOf(Path out) {
        return out.resolveSibling(out.getFileName() + ".err");
    }

    /**
     * The namespaces a demo's stderr says it removed, of those this test knows (another test's killed
     * pkttrace may have left some too); fails when it names the look-alike or the running demo's.
     */
    private static Set<String> removedBy(String stderr, Set<String> expected, String lookAlike, Set<String> running) {
        Matcher m = REMOVED.matcher(stderr);
        Set<String> named = new TreeSet<>(m.find() ? List.of(m.group(1).split(", ")) : List.of());
        assertFalse(named.contains(lookAlike) || named.stream().anyMatch(running::contains), stderr);
        named.retainAll(expected);
        return named;
    }

    /** A pid no process has now. */
    private static long deadPid() {
        long pid = ProcessHandle.current().pid() + 7919;
        while (ProcessHandle.of(pid).isPresent()) {
            pid++;
        }
        return pid;
    }

    private static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
