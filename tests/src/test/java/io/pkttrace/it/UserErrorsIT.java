package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear line on stderr and exit status 2, from the real distribution. */
class UserErrorsIT {
    @TempDir
    Path tmp;

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    /** The one line a user error prints, after checking it is one line, exit 2, no stack trace. */
    static String oneLine(Cli.Result r) {
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), "exactly one line on stderr: " + r);
        assertTrue(r.errLines().get(0).startsWith("pkttrace: "), r.toString());
        assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), "no stack trace: " + r);
        return r.errLines().get(0);
    }

    @Test
    void notRoot() throws Exception {
        Cli.Result r = Cli.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"),
                Map.of(), 60, "trace", "--duration", "1");
        String line = oneLine(r);
        assertTrue(line.contains("needs root"), line);
    }

    @Test
    void noBtf() throws Exception {
        Cli.Result r = Cli.run(List.of(), Map.of("PKTTRACE_JAVA_OPTS", "-Dpkttrace.btf=/nonexistent/vmlinux"), 60,
                "trace", "--duration", "1");
        String line = oneLine(r);
        assertTrue(line.contains("no BTF") && line.contains("CONFIG_DEBUG_INFO_BTF"), line);
    }

    @Test
    void unknownProbe() throws Exception {
        String line = oneLine(Cli.run("trace", "--probe", "nosuchprobe"));
        assertTrue(line.startsWith("pkttrace: unknown probe 'nosuchprobe': available: ") && line.contains("netpath"), line);
    }

    @Test
    void unknownSink() throws Exception {
        String line = oneLine(Cli.run("trace", "--sink", "nosuchsink"));
        assertTrue(line.startsWith("pkttrace: unknown sink 'nosuchsink': available: ") && line.contains("console"), line);
    }

    @Test
    void badProbeOption() throws Exception {
        String line = oneLine(Cli.run("trace", "--probe", "netpath:hooks=tx,sideways"));
        assertEquals("pkttrace: probe netpath: unknown hook 'sideways': valid hooks: tx, rx, drop, consume", line);
    }

    @Test
    void unknownNamespace() throws Exception {
        String line = oneLine(Cli.run("ping", "--netns", "pt-no-such-ns", "198.18.2.2"));
        assertEquals("pkttrace: network namespace 'pt-no-such-ns' does not exist: list them with: ip netns list", line);
    }

    @Test
    void invalidTarget() throws Exception {
        String line = oneLine(Cli.run("ping", "300.1.2.3.4"));
        assertTrue(line.contains("invalid target '300.1.2.3.4'"), line);
    }

    @Test
    void aJarThatIsNotAPluginInThePluginDirectory() throws Exception {
        Path plugins = Files.createDirectory(tmp.resolve("plugins"));
        try (var s = Files.list(Cli.home().resolve("plugins"))) {
            for (Path p : s.toList()) {
                Files.copy(p, plugins.resolve(p.getFileName()));
            }
        }
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(plugins.resolve("random-lib.jar")))) {
            out.putNextEntry(new java.util.jar.JarEntry("hello.txt"));
            out.write("not a plugin".getBytes());
        }
        String line = oneLine(Cli.run("--plugins", plugins.toString(), "plugins"));
        assertTrue(line.contains("random-lib.jar is not a pkttrace plugin"), line);
    }
}
