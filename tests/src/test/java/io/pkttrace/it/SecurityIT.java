package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, security: an unprivileged local user (uid 65534, via setpriv) lays a trap, and root runs
 * pkttrace. Neither a plugin jar dropped into a directory others can write, nor a class-data-sharing
 * archive such a user could have written, nor a symlink planted for --output gives that user root's rights.
 */
class SecurityIT {
    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "--inh-caps=-all");

    @TempDir
    Path tmp;

    @BeforeEach
    void gate() throws Exception {
        KernelTestSupport.requireBpf(); // root
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs a command as the unprivileged user; fails the test if it fails. */
    private static void asNobody(String... command) throws Exception {
        List<String> argv = new java.util.ArrayList<>(AS_NOBODY);
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    /** A plugin whose extension, once loaded, writes {@code marker}: code the attacker wants root to run. */
    private Path maliciousPlugin(Path marker) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("evil-src/evil"));
        Files.writeString(src.resolve("EvilSinkFactory.java"), """
                package evil;

                import io.pkttrace.api.*;
                import org.pf4j.Extension;

                @Extension
                public final class EvilSinkFactory implements SinkFactory<Object> {
                    static {
                        try {
                            java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), "ran as uid "
                                    + java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid"));
                        } catch (java.io.IOException e) {
                            throw new RuntimeException(e);
                        }
                    }
                    public String type() { return "evil"; }
                    public String description() { return "runs code"; }
                    public Object configure(Options o) { return null; }
                    public Sink create(Object c) { return e -> { }; }
                }
                """.formatted(marker));
        Path props = Files.writeString(tmp.resolve("evil.properties"), "plugin.id=evil\nplugin.version=1.0.0\nplugin.requires=*\n");
        Path jar = PluginJarBuilder.build(src.getParent(), props, tmp, "evil-1.0.0.jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        return jar;
    }

    @Test
    void aJarDroppedIntoAWorldWritablePluginDirectoryIsNotLoaded() throws Exception {
        Path marker = tmp.resolve("marker");
        Path jar = maliciousPlugin(marker);
        Path shared = Files.createDirectory(tmp.resolve("plugins"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        asNobody("cp", jar.toString(), shared.resolve("evil-1.0.0.jar").toString());

        Cli.Result r = Cli.run("--plugins", Cli.home().resolve("plugins").toString(), "--plugins", shared.toString(), "plugins");
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("pkttrace: refusing to load plugins: plugin directory " + shared.toRealPath()
                + " is writable by every user"), r.toString());
        assertFalse(Files.exists(marker), "the dropped jar's code did not run");

        // The jar itself belongs to that user: refused even in a safe directory.
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Cli.Result owned = Cli.run("--plugins", shared.toString(), "plugins");
        assertEquals(2, owned.exit(), owned.toString());
        assertTrue(owned.err().contains("is owned by user 65534"), owned.toString());
        assertFalse(Files.exists(marker));

        // The loud override really loads it (and says so): the check is what stood in the way.
        Cli.Result forced = Cli.run("--allow-untrusted-plugins", "--plugins", shared.toString(), "plugins");
        assertEquals(0, forced.exit(), forced.toString());
        assertTrue(forced.err().contains("pkttrace: WARNING: --allow-untrusted-plugins: loading them although"), forced.toString());
        assertEquals("ran as uid 0", Files.readString(marker));
    }

    @Test
    void aClassDataArchiveAnotherUserCouldHaveWrittenIsNotMapped() throws Exception {
        // An archive is code the JVM maps into root's process: bin/pkttrace maps only those of root (or the caller).
        Path home = TestPlugins.distributionWith(tmp.resolve("dist"));
        Process rec = new ProcessBuilder(home.resolve("lib/cds-archive.sh").toString(), home.toString(), "plugins")
                .redirectErrorStream(true).start();
        String recorded = new String(rec.getInputStream().readAllBytes());
        assertEquals(0, rec.waitFor(), recorded);
        assertTrue(mainSource(home).endsWith("shared objects file (top)"), recorded);

        Path top = home.resolve("lib/pkttrace.jsa");
        Path base = home.resolve("lib/pkttrace-base.jsa");
        Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rw-rw-r--"));
        assertTrue(mainSource(home).endsWith(".jar"), "a group-writable archive is not mapped");
        Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setOwner(base, base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertTrue(mainSource(home).endsWith(".jar"), "an archive of another user is not mapped");
        Files.setOwner(base, base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
        assertTrue(mainSource(home).endsWith("shared objects file (top)"), "the check is what stood in the way");
    }

    /** Where the JVM took pkttrace's main class from: an archive, or the jar. */
    private static String mainSource(Path home) throws Exception {
        Cli.Result r = Cli.run(home, List.of(), java.util.Map.of("PKTTRACE_JAVA_OPTS", "-Xlog:class+load=info"), 60, "--version");
        assertEquals(0, r.exit(), r.toString());
        return r.out().lines().filter(l -> l.contains(" io.pkttrace.cli.Main source: ")).findFirst().orElseThrow().strip();
    }

    @Test
    void aSymlinkPlantedForTheOutputDoesNotEmptyARootFile() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim.conf"), "root's precious data\n");
        Path sticky = Files.createDirectory(tmp.resolve("public"));
        Files.setAttribute(sticky, "unix:mode", 01777); // like /tmp
        Path out = sticky.resolve("trace.jsonl");
        asNobody("ln", "-s", victim.toString(), out.toString());

        Cli.Result r = Cli.run("trace", "--probe", "netpath:hooks=tx", "--sink", "json:output=" + out, "--duration", "1");
        assertEquals(2, r.exit(), r.toString());
        assertEquals(List.of("pkttrace: sink json: output '" + out + "' is a symbolic link: pkttrace does not follow a link"
                + " when it writes: give the real path, or - for standard output"), r.errLines());
        assertEquals("root's precious data\n", Files.readString(victim));

        // A file the attacker created there (to read root's trace) is not written either.
        Path theirs = sticky.resolve("theirs.jsonl");
        asNobody("touch", theirs.toString());
        Cli.Result r2 = Cli.run("trace", "--probe", "netpath:hooks=tx", "--output", theirs.toString(), "--duration", "1");
        assertEquals(2, r2.exit(), r2.toString());
        assertTrue(r2.err().contains("belongs to user 65534"), r2.toString());
        try (Stream<String> lines = Files.lines(theirs)) {
            assertEquals(0, lines.count());
        }
    }
}
