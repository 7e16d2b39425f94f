package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's shell completion (share/bash-completion, share/zsh) and man pages (share/man),
 * made at build time from the command line with the bundled plugins, and {@code pkttrace completion},
 * made at run time from the plugins loaded then: run in a real bash and zsh, rendered by man.
 */
class CompletionIT {
    private static final List<String> SINKS = List.of("calls", "console", "flow", "html", "json", "null", "pcapng");

    @TempDir
    Path tmp;

    /** The candidates bash offers for {@code words} (the last one is being completed) with the completion {@code script}. */
    static List<String> bashComplete(Path script, String... words) throws Exception {
        List<String> argv = new ArrayList<>(List.of("bash", "--norc", "--noprofile", resource("complete.bash").toString(), script.toString()));
        argv.addAll(List.of(words));
        Run r = run(argv, Map.of());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err(), "the completion script printed errors: " + r);
        return r.out().lines().filter(l -> !l.isEmpty()).toList();
    }

    static Path bashScript(Path home) {
        return home.resolve("share/bash-completion/completions/pkttrace");
    }

    @Test
    void bashCompletesCommandsOptionsAndComponentTypes() throws Exception {
        Path script = bashScript(Cli.home());
        assertEquals(List.of("trace"), bashComplete(script, "pkttrace", "tr"));
        // vrouter is contributed by the vrouter plugin, completion is pkttrace's own.
        assertEquals(List.of("ping", "trace", "replay", "demo", "plugins", "doctor", "completion", "help", "vrouter"),
                bashComplete(script, "pkttrace", ""));
        assertEquals(List.of("--proto", "--probe"), bashComplete(script, "pkttrace", "trace", "--pro"));
        assertEquals(SINKS, bashComplete(script, "pkttrace", "trace", "--sink", ""));
        assertEquals(List.of("json"), bashComplete(script, "pkttrace", "trace", "--sink", "j"));
        assertEquals(List.of("netfilter", "netpath", "synthetic", "vrouter"), bashComplete(script, "pkttrace", "trace", "--probe", ""));
        assertEquals(List.of("fivetuple"), bashComplete(script, "pkttrace", "replay", "--filter", ""));
        assertEquals(List.of("bash", "zsh"), bashComplete(script, "pkttrace", "completion", ""));
        // Short forms the plugins contribute: -a (fivetuple) on trace, pkt_tracer's -f/-r/-o on vrouter.
        List<String> vrouter = bashComplete(script, "pkttrace", "vrouter", "-");
        assertTrue(vrouter.containsAll(List.of("-f", "-r", "-o", "-a", "--src", "--binary", "--pid")), vrouter.toString());
        assertTrue(bashComplete(script, "pkttrace", "trace", "-").contains("-a"));
    }

    @Test
    void runTimeScriptIsTheShippedOneForTheBundledPluginsAndFollowsTheLoadedOnes() throws Exception {
        Path home = Cli.home();
        for (String shell : List.of("bash", "zsh")) {
            Cli.Result r = Cli.run("completion", shell);
            assertEquals(0, r.exit(), r.toString());
            String shipped = shell.equals("bash") ? Files.readString(bashScript(home))
                    : Files.readString(home.resolve("share/zsh/vendor-completions/_pkttrace"));
            assertEquals(shipped, r.out(), shell + ": pkttrace completion differs from the shipped file");
        }
        // A user's extra plugin: its command appears in pkttrace completion; without the vrouter plugin, vrouter goes.
        Path plugins = TestPlugins.distributionPlugins(tmp.resolve("plugins"), "vrouter");
        Files.copy(TestPlugins.testkit(tmp), plugins.resolve("testkit.jar"));
        Cli.Result r = Cli.run("--plugins", plugins.toString(), "completion", "bash");
        assertEquals(0, r.exit(), r.toString());
        Path script = Files.writeString(tmp.resolve("pkttrace.bash"), r.out());
        List<String> commands = bashComplete(script, "pkttrace", "");
        assertTrue(commands.contains("looptrace"), commands.toString());
        assertFalse(commands.contains("vrouter"), commands.toString());
        assertTrue(bashComplete(script, "pkttrace", "looptrace", "-").contains("-o"));
    }

    @Test
    void unknownShellIsOneLine() throws Exception {
        String line = Cli.oneLine(Cli.run("completion", "fish"));
        assertEquals("pkttrace: no completion for the shell 'fish': give one of bash, zsh", line);
    }

    @Test
    void zshCompletesFromItsFpathFile() throws Exception {
        Path home = Cli.home();
        String screen = zshComplete(home.resolve("share/zsh/vendor-completions"), home.resolve("bin"), "pkttrace trace --si");
        // First TAB: --si becomes --sink; second TAB: the sinks are listed.
        assertTrue(screen.contains("pkttrace trace --sink"), screen);
        assertTrue(screen.matches("(?s).*calls +console +flow +html +json +null.*"), screen);
        assertFalse(screen.contains("command not found"), screen);
    }

    static String zshComplete(Path completionDir, Path binDir, String line) throws Exception {
        Run r = run(List.of("zsh", "-f", resource("complete.zsh").toString(), completionDir.toString(), binDir.toString(), line), Map.of());
        assertEquals(0, r.exit(), r.toString());
        return r.out();
    }

    @Test
    void manPagesRenderWithTheirSections() throws Exception {
        Path man1 = Cli.home().resolve("share/man/man1");
        String root = man(List.of("-l", man1.resolve("pkttrace.1").toString()));
        for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS")) {
            assertTrue(root.lines().anyMatch(section::equals), section + " missing:\n" + root);
        }
        assertTrue(root.contains("pkttrace - Trace where packets go in the kernel"), root);
        assertTrue(root.matches("(?s).*\n {7}vrouter\n {11}trace vrouter datapath functions.*"), root);
        String trace = man(List.of("-l", man1.resolve("pkttrace-trace.1").toString()));
        assertTrue(trace.contains("[--probe=TYPE[:k=v,...]]..."), trace);
        assertTrue(trace.replaceAll("\\s+", " ").contains("same as -a dport=PORT (repeatable) [filter fivetuple option dport, plugin fivetuple]"), trace);
        assertFalse(trace.matches("(?s).*(=_|_\\]|\\{startsb}|\\{endsb}).*"), "AsciiDoc markup left in the page:\n" + trace);
        String ping = man(List.of("-l", man1.resolve("pkttrace-ping.1").toString()));
        assertTrue(ping.contains("\n       -c COUNT\n") && ping.contains("\n       -4\n"), "short-only options as man writes them:\n" + ping);
        for (String page : List.of("ping", "replay", "demo", "plugins", "completion", "vrouter")) {
            String text = man(List.of("-l", man1.resolve("pkttrace-" + page + ".1").toString()));
            assertTrue(text.startsWith("PKTTRACE-" + page.toUpperCase(java.util.Locale.ROOT) + "(1)"), text);
        }
    }

    /** What man prints (80 columns, no pager, no formatting codes); fails on anything on stderr. */
    static String man(List<String> args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("man", "-P", "cat"));
        argv.addAll(args);
        Run r = run(argv, Map.of("MANWIDTH", "80", "MAN_KEEP_FORMATTING", "", "GROFF_NO_SGR", "1", "LC_ALL", "C.UTF-8"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err(), r.toString());
        return r.out().replaceAll(".\b", "");
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(List<String> argv, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile("pkttrace-it", ".out");
        Path err = Files.createTempFile("pkttrace-it", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " did not finish in 120 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Path resource(String name) throws Exception {
        return Path.of(CompletionIT.class.getResource("/" + name).toURI());
    }
}
