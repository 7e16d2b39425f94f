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

    @Test
    void notRoot() throws Exception {
        Cli.Result r = Cli.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"),
                Map.of(), 60, "trace", "--duration", "1");
        String line = Cli.oneLine(r);
        assertTrue(line.contains("needs root"), line);
    }

    @Test
    void noBtf() throws Exception {
        Cli.Result r = Cli.run(List.of(), Map.of("PKTTRACE_JAVA_OPTS", "-Dpkttrace.btf=/nonexistent/vmlinux"), 60,
                "trace", "--duration", "1");
        String line = Cli.oneLine(r);
        assertTrue(line.contains("no BTF") && line.contains("CONFIG_DEBUG_INFO_BTF"), line);
    }

    @Test
    void unknownProbe() throws Exception {
        String line = Cli.oneLine(Cli.run("trace", "--probe", "nosuchprobe"));
        assertTrue(line.startsWith("pkttrace: unknown probe 'nosuchprobe': available: ") && line.contains("netpath"), line);
    }

    @Test
    void unknownSink() throws Exception {
        String line = Cli.oneLine(Cli.run("trace", "--sink", "nosuchsink"));
        assertTrue(line.startsWith("pkttrace: unknown sink 'nosuchsink': available: ") && line.contains("console"), line);
    }

    @Test
    void badProbeOption() throws Exception {
        String line = Cli.oneLine(Cli.run("trace", "--probe", "netpath:hooks=tx,sideways"));
        assertEquals("pkttrace: probe netpath: unknown hook 'sideways': valid hooks: tx, rx, drop, consume", line);
    }

    @Test
    void unknownNamespace() throws Exception {
        String line = Cli.oneLine(Cli.run("ping", "--netns", "pt-no-such-ns", "198.18.2.2"));
        assertEquals("pkttrace: network namespace 'pt-no-such-ns' does not exist: list them with: ip netns list", line);
    }

    @Test
    void invalidTarget() throws Exception {
        String line = Cli.oneLine(Cli.run("ping", "300.1.2.3.4"));
        assertTrue(line.contains("invalid target '300.1.2.3.4'"), line);
    }

    @Test
    void aJarThatIsNotAPluginInThePluginDirectory() throws Exception {
        Path plugins = TestPlugins.distributionPlugins(tmp.resolve("plugins"));
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(plugins.resolve("random-lib.jar")))) {
            out.putNextEntry(new java.util.jar.JarEntry("hello.txt"));
            out.write("not a plugin".getBytes());
        }
        String line = Cli.oneLine(Cli.run("--plugins", plugins.toString(), "plugins"));
        assertTrue(line.contains("random-lib.jar is not a pkttrace plugin"), line);
    }

    // ---- issue 10, "bad input still not handled well": each one line, exit 2, before anything attaches ----

    /** Runs pkttrace with {@code args} and checks the one line it refuses them with. */
    private static void refused(String line, String... args) throws Exception {
        assertEquals(line, Cli.oneLine(Cli.run(args)));
    }

    @Test
    void aRingSizeThatWouldOverflow() throws Exception {
        refused("pkttrace: --ring-size must be a power of two from 4096 to 536870912 (512 MiB): 1073741824: e.g. 4194304",
                "trace", "--ring-size", "1073741824");
    }

    @Test
    void aDurationThatIsNoNumberOfSeconds() throws Exception {
        for (String d : List.of("NaN", "Infinity", "-Infinity", "-1", "0", "1e300")) {
            String line = Cli.oneLine(Cli.run("trace", "--duration", d));
            assertTrue(line.startsWith("pkttrace: --duration must be between 0.001 and 31536000 seconds (a year): "), d + ": " + line);
        }
    }

    @Test
    void anEmptyPingTarget() throws Exception {
        refused("pkttrace: the target is empty: give an IPv4 or IPv6 address or a host name",
                "ping", "");
    }

    @Test
    void aKernelFileAsOutputIsRefusedEvenWhenNoEventWouldCome() throws Exception {
        // The filter matches nothing: the file is refused up front, not at the first write.
        String line = Cli.oneLine(Cli.run("trace", "--sink", "json:output=/proc/version", "-a", "src=198.18.255.254",
                "--duration", "5"));
        assertTrue(line.startsWith("pkttrace: sink json: output '/proc/version' is on proc, a kernel interface file system"), line);
    }

    @Test
    void aFileAsPluginDirectory() throws Exception {
        refused("pkttrace: plugin directory /etc/hostname is not a directory: give the directory that holds the plugin jars",
                "--plugins", "/etc/hostname", "trace");
    }

    @Test
    void aKeyWithoutItsValue() throws Exception {
        refused("pkttrace: probe netpath: option 'hooks' needs a value: write hooks=tx,rx,drop,consume",
                "trace", "--probe", "netpath:hooks");
        refused("pkttrace: sink json: option 'output' needs a value: write output=FILE",
                "trace", "--sink", "json:output");
    }

    @Test
    void aPingCountOfZero() throws Exception {
        refused("pkttrace: -c must be between 1 and 1000: 0: e.g. -c 3",
                "ping", "-c", "0", "127.0.0.1");
    }

    @Test
    void aRecordingOfOneCutOffLine() throws Exception {
        Path f = Files.writeString(tmp.resolve("cut.jsonl"), "{\"v\":1,\"ts_ns\":12");
        refused("pkttrace: " + f + " holds no complete event: its line 1 is cut off: give a recording written by --sink json",
                "replay", f.toString());
    }

    @Test
    void aTooLongRecordingLineIsNamedByItsOwnNumber() throws Exception {
        Path f = Files.writeString(tmp.resolve("long.jsonl"), "{\"v\":1,\"ts_ns\":1}\n" + "x".repeat(1 << 21) + "\n");
        Cli.Result r = Cli.run("replay", f.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals("pkttrace: " + f + " line 2: line longer than 1048576 characters", r.errLines().get(r.errLines().size() - 1));
    }

    @Test
    void aNamespaceNameLongerThanAnyFileName() throws Exception {
        refused("pkttrace: a network namespace name has at most 255 bytes, this one has 300: list the namespaces with: ip netns list",
                "ping", "--netns", "n".repeat(300), "127.0.0.1");
    }

    @Test
    void aNamespaceNameWithANewlineStaysOneLine() throws Exception {
        refused("pkttrace: network namespace 'pt-no\\nsuch' does not exist: list them with: ip netns list",
                "ping", "--netns", "pt-no\nsuch", "127.0.0.1");
    }

    @Test
    void aNamespaceEntryWithNothingMounted() throws Exception {
        // What `ip netns add` leaves when it is killed between creating the file and mounting the namespace.
        Path half = Path.of("/run/netns", "pt" + ProcessHandle.current().pid() + "-half");
        Files.createDirectories(half.getParent());
        Files.createFile(half);
        try {
            refused("pkttrace: '" + half.getFileName() + "' in /run/netns is not a network namespace: nothing is mounted on it"
                    + " (left by an interrupted ip netns add?): remove it with: ip netns del " + half.getFileName(),
                    "ping", "--netns", half.getFileName().toString(), "127.0.0.1");
        } finally {
            Files.deleteIfExists(half);
        }
    }

    @Test
    void aMistypedOutputDoesNotEmptyAFilePkttraceDidNotWrite() throws Exception {
        // As root, `--output /etc/passwd` used to empty it: only empty files and pkttrace's own outputs are overwritten.
        Path precious = Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        refused("pkttrace: sink json: output '" + precious + "' exists and pkttrace did not write it: it is not overwritten:"
                + " remove it first if it may go, or choose a new file name",
                "trace", "--output", precious.toString(), "--duration", "1");
        assertEquals("root:x:0:0:root:/root:/bin/bash\n", Files.readString(precious));
        // pkttrace's own output is overwritten by the next run.
        Path own = tmp.resolve("own.jsonl");
        for (int run = 0; run < 2; run++) {
            Cli.Result r = Cli.run("trace", "--probe", "netpath:hooks=tx", "--output", own.toString(), "--duration", "0.2");
            assertEquals(0, r.exit(), r.toString());
        }
    }

    @Test
    void twoSinksWritingOneFile() throws Exception {
        Path f = tmp.resolve("both.out");
        refused("pkttrace: sink json and sink html would both write " + f + ": give each sink its own output file",
                "trace", "--sink", "json:output=" + f, "--sink", "html:output=" + f);
    }
}
