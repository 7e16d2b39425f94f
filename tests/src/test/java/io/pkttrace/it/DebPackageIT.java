package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pkttrace.core.testing.KernelTestSupport;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Debian package the build makes (distribution/target/pkttrace_VERSION_all.deb), installed with
 * apt-get as a user installs it, used (version, plugins, doctor when the command exists, man,
 * completion, the class-data-sharing archive, the demo), then purged: nothing it installed is left,
 * also when a check fails, and the repository's distribution is not touched. Needs root and the
 * kernel's BTF (the demo traces); one run at a time on a machine (a lock), and never over a pkttrace
 * that was installed by someone else.
 */
class DebPackageIT {
    private static final Path OPT = Path.of("/opt/pkttrace");
    private static final Path LOCK = Path.of("/run/lock/pkttrace-deb-it.lock");
    private static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive");

    @Test
    void installsRunsAndPurgesCleanly() throws Exception {
        KernelTestSupport.requireBpf();
        Path deb = theDeb();
        Map<String, String> distBefore = tree(Cli.home());
        try (FileChannel ch = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            assertTrue(!installed() && !Files.exists(OPT), "pkttrace is already installed on this machine (dpkg or " + OPT
                    + "): this test installs and purges its own package; remove it first: apt-get remove --purge -y pkttrace");
            Thread purgeOnExit = new Thread(DebPackageIT::purgeQuietly, "purge pkttrace");
            Runtime.getRuntime().addShutdownHook(purgeOnExit); // also when the test JVM is killed by a timeout
            List<String> files = List.of();
            try {
                CompletionIT.Run install = CompletionIT.run(List.of("bash", "-c", "cd \"$1\" && apt-get install -y -q -o DPkg::Lock::Timeout=300 ./\"$2\"",
                        "install", deb.getParent().toString(), deb.getFileName().toString()), APT_ENV);
                assertEquals(0, install.exit(), "apt-get install ./" + deb.getFileName() + ": " + install);
                files = CompletionIT.run(List.of("dpkg", "-L", "pkttrace"), Map.of()).out().lines().toList();
                checkInstalled();
            } finally {
                CompletionIT.Run purge = purge();
                Runtime.getRuntime().removeShutdownHook(purgeOnExit);
                assertEquals(0, purge.exit(), "apt-get remove --purge -y pkttrace: " + purge);
            }
            assertTrue(!installed(), "dpkg still knows pkttrace after the purge");
            for (String f : files) {
                Path p = Path.of(f);
                assertTrue(Files.isDirectory(p) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS), f + " is left after the purge");
            }
            assertTrue(!Files.exists(OPT), OPT + " is left after the purge");
            assertTrue(files.containsAll(List.of("/usr/bin/pkttrace", "/opt/pkttrace/bin/pkttrace", "/usr/share/man/man1/pkttrace.1.gz",
                    "/usr/share/bash-completion/completions/pkttrace", "/usr/share/zsh/vendor-completions/_pkttrace")), files.toString());
        }
        assertEquals(distBefore, tree(Cli.home()), "installing and removing the package changed the repository's distribution");
    }

    /** What a user does with the installed package. */
    private static void checkInstalled() throws Exception {
        Cli.Result version = pkttrace(Map.of(), "--version");
        assertEquals(0, version.exit(), version.toString());
        assertEquals("pkttrace " + System.getProperty("pkttrace.version"), version.out().strip());

        // Root-owned, not group/world-writable: the plugin trust rules load the plugins without a word.
        try (Stream<Path> all = Files.walk(OPT)) {
            for (Path p : all.toList()) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String perms = PosixFilePermissions.toString(a.permissions());
                assertTrue(a.owner().getName().equals("root") && perms.charAt(4) == '-' && perms.charAt(7) == '-', p + " " + a.owner() + " " + perms);
            }
        }
        Cli.Result plugins = pkttrace(Map.of(), "plugins");
        assertEquals(0, plugins.exit(), plugins.toString());
        assertEquals("", plugins.err(), plugins.toString());
        assertTrue(plugins.out().contains("/opt/pkttrace/plugins/pkttrace-plugin-netpath-"), plugins.out());

        // The class-data-sharing archive postinst made for /opt/pkttrace is the one the JVM maps.
        Path jsa = OPT.resolve("lib/pkttrace.jsa");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(jsa)), jsa.toString());
        Cli.Result cds = pkttrace(Map.of("PKTTRACE_JAVA_OPTS", "-Xlog:class+load=info"), "--version");
        assertTrue(cds.out().contains("io.pkttrace.cli.Main source: shared objects file (top)"),
                "the CDS archive is not used from /opt/pkttrace: " + cds.out().lines().filter(l -> l.contains("io.pkttrace.cli.Main ")).toList());

        Cli.Result help = pkttrace(Map.of(), "--help");
        if (help.out().lines().anyMatch(l -> l.strip().startsWith("doctor "))) {
            Cli.Result doctor = pkttrace(Map.of(), "doctor");
            assertTrue(doctor.exit() == 0 || doctor.exit() == 1, doctor.toString());
            assertTrue(!doctor.out().isBlank(), doctor.toString());
        } else {
            System.err.println("DebPackageIT: this build has no pkttrace doctor: not run from the package");
        }

        String man = CompletionIT.man(List.of("pkttrace"));
        assertTrue(man.startsWith("PKTTRACE(1)") && man.lines().anyMatch("SYNOPSIS"::equals), man);
        assertTrue(CompletionIT.man(List.of("pkttrace-trace")).contains("--probe=TYPE[:k=v,...]"));

        Path bash = Path.of("/usr/share/bash-completion/completions/pkttrace");
        assertEquals(List.of("trace"), CompletionIT.bashComplete(bash, "pkttrace", "tr"));
        assertEquals(List.of("--proto", "--probe"), CompletionIT.bashComplete(bash, "pkttrace", "trace", "--pro"));
        String zsh = CompletionIT.zshComplete(Path.of("/usr/share/zsh/vendor-completions"), Path.of("/usr/bin"), "pkttrace trace --si");
        assertTrue(zsh.matches("(?s).*calls +console +flow +html +json +null.*"), zsh);

        Cli.Result demo = pkttrace(Map.of(), "demo");
        assertEquals(0, demo.exit(), demo.toString());
        assertTrue(demo.out().matches("(?s).*# ping 198\\.18\\.2\\.2 from .*\\] +eth0 +rx +reply +198\\.18\\.2\\.2 -> 198\\.18\\.1\\.2 .*"), demo.out());
        assertTrue(demo.out().matches("(?s).*# ping 2001:db8:2::2 from .*\\] +eth0 +rx +reply +2001:db8:2::2 -> 2001:db8:1::2 .*"), demo.out());
    }

    /** /usr/bin/pkttrace, as a user runs it (not the repository's distribution). */
    private static Cli.Result pkttrace(Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/pkttrace"));
        argv.addAll(List.of(args));
        CompletionIT.Run r = CompletionIT.run(argv, env);
        return new Cli.Result(r.exit(), r.out(), r.err());
    }

    private static Path theDeb() throws IOException {
        Path dir = Path.of(System.getProperty("pkttrace.deb.dir", Cli.home().resolve("..").toString())).toAbsolutePath().normalize();
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> debs = s.filter(p -> p.getFileName().toString().matches("pkttrace_.+_all\\.deb")).toList();
            if (debs.size() != 1) {
                fail("expected one pkttrace_VERSION_all.deb in " + dir + " (the build makes it), found " + debs);
            }
            return debs.get(0);
        }
    }

    private static boolean installed() throws Exception {
        CompletionIT.Run r = CompletionIT.run(List.of("dpkg-query", "-W", "-f=${db:Status-Status}", "pkttrace"), Map.of());
        return r.exit() == 0 && !r.out().strip().isEmpty() && !r.out().strip().equals("not-installed");
    }

    private static CompletionIT.Run purge() throws Exception {
        return CompletionIT.run(List.of("apt-get", "remove", "--purge", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", "pkttrace"), APT_ENV);
    }

    private static void purgeQuietly() {
        try {
            purge();
        } catch (Exception e) {
            System.err.println("DebPackageIT: could not purge pkttrace: " + e);
        }
    }

    /** Every file of a tree with its size, time and mode. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                m.put(root.relativize(p).toString(), a.size() + " " + a.lastModifiedTime() + " " + PosixFilePermissions.toString(a.permissions()));
            }
        }
        return m;
    }
}
