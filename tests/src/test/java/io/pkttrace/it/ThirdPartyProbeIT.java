package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third party's probe (docs/example-probe: its own pom, xmit.bpf.c and Java factory), built as an
 * outsider builds it: copied out of the repository, against io.pkttrace artifacts installed into a
 * private local Maven repository (never the shared ~/.m2, which only serves as a read-only source of
 * the other artifacts), then run from a copy of the distribution whose plugins/ holds it next to the
 * built-in plugins, with real packets reaching a sink.
 */
class ThirdPartyProbeIT {
    private static final Pattern XMIT_ROW = Pattern.compile(
            "^\\[\\d+]\\s+lo\\s+xmit\\s+(request|reply)\\s+127\\.0\\.0\\.1 -> 127\\.0\\.0\\.1\\s+id \\d+ seq \\d+$", Pattern.MULTILINE);
    private static final Pattern TX_ROW = Pattern.compile(
            "^\\[\\d+]\\s+lo\\s+tx\\s+(request|reply)\\s+127\\.0\\.0\\.1 -> 127\\.0\\.0\\.1\\s+id \\d+ seq \\d+$", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    private static Path root() {
        return Cli.home().resolve("../../..").normalize();
    }

    private static String version() {
        return System.getProperty("pkttrace.version", "0.1.0-SNAPSHOT");
    }

    /** Runs mvn with the private repository; returns its output, failing with it when mvn fails. */
    private String mvn(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-s", tmp.resolve("settings.xml").toString(),
                "-Dmaven.repo.local=" + tmp.resolve("m2")));
        cmd.addAll(List.of(args));
        Path log = tmp.resolve("mvn.log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "mvn " + String.join(" ", args) + " finished in 300 s");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "mvn " + String.join(" ", args) + " in " + dir + ":\n" + out);
        return out;
    }

    /**
     * The private repository: empty, with the user's ~/.m2/repository as a read-only remote (file://)
     * so that what the pkttrace build already downloaded is copied rather than fetched again, and
     * Maven Central behind it.
     */
    private void privateRepository() throws Exception {
        Files.createDirectories(tmp.resolve("m2"));
        Path seed = Path.of(System.getProperty("user.home"), ".m2", "repository");
        String repo = Files.isDirectory(seed) ? "<repository><id>seed</id><url>" + seed.toUri() + "</url></repository>" : "";
        String pluginRepo = repo.replace("repository>", "pluginRepository>");
        Files.writeString(tmp.resolve("settings.xml"), "<settings><profiles><profile><id>seed</id>"
                + "<repositories>" + repo + "</repositories><pluginRepositories>" + pluginRepo + "</pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>seed</activeProfile></activeProfiles></settings>\n");
    }

    /** Installs what a probe plugin builds against: the parent pom, the API, and the SDK (with pkttrace-btf, which it uses). */
    private void installSdk() throws Exception {
        Path r = root();
        String v = version();
        List<String[]> files = List.of(
                new String[] {"pom.xml", "pom.xml"},
                new String[] {"framework/api/target/pkttrace-api-" + v + ".jar", "framework/api/pom.xml"},
                new String[] {"framework/btf/target/pkttrace-btf-" + v + ".jar", "framework/btf/pom.xml"},
                new String[] {"framework/probe-sdk/target/pkttrace-probe-maven-plugin-" + v + ".jar", "framework/probe-sdk/pom.xml"});
        StringBuilder executions = new StringBuilder();
        int n = 0;
        for (String[] f : files) {
            assertTrue(Files.isRegularFile(r.resolve(f[0])), "built by the reactor before the tests: " + r.resolve(f[0]));
            executions.append("<execution><id>i").append(n++).append("</id><phase>validate</phase><goals><goal>install-file</goal>"
                    + "</goals><configuration><file>").append(r.resolve(f[0])).append("</file><pomFile>").append(r.resolve(f[1]))
                    .append("</pomFile></configuration></execution>");
        }
        Path installer = Files.createDirectories(tmp.resolve("installer"));
        Files.writeString(installer.resolve("pom.xml"), "<project><modelVersion>4.0.0</modelVersion><groupId>local</groupId>"
                + "<artifactId>installer</artifactId><version>1</version><packaging>pom</packaging><build><plugins><plugin>"
                + "<groupId>org.apache.maven.plugins</groupId><artifactId>maven-install-plugin</artifactId><version>3.1.2</version>"
                + "<executions>" + executions + "</executions></plugin></plugins></build></project>\n");
        mvn(installer, "validate");
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void anOutsidersProbeBuildsAgainstTheInstalledSdkAndRunsNextToTheBuiltInPlugins() throws Exception {
        KernelTestSupport.requireBpf();
        privateRepository();
        installSdk();

        Path example = tmp.resolve("example-probe");
        copy(root().resolve("docs/example-probe"), example);
        assertTrue(Files.notExists(example.resolve("target")), "a clean copy");
        String build = mvn(example, "-Dpkttrace.version=" + version(), "package");
        assertTrue(build.contains("pkttrace-probe: compiled xmit.bpf.c"), build);
        Path jar = example.resolve("target/xmit-probe-1.0.0.jar");
        assertTrue(Files.isRegularFile(jar), build);
        try (Stream<Path> s = Files.walk(tmp.resolve("m2/io/pkttrace"))) {
            assertEquals(List.of("pkttrace-api", "pkttrace-btf", "pkttrace-parent", "pkttrace-probe-maven-plugin"),
                    s.filter(p -> p.getFileName().toString().endsWith(".pom")).map(p -> p.getParent().getParent().getFileName().toString())
                            .sorted().toList(), "only the SDK's artifacts were installed (privately)");
        }

        Path dist = tmp.resolve("pkttrace");
        copy(Cli.home(), dist);
        Files.copy(jar, dist.resolve("plugins/xmit-probe-1.0.0.jar"));
        Cli.Result list = Cli.run(dist, List.of(), Map.of(), 60, "plugins");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("xmit           [xmit-probe] packets a device driver took for transmission"), list.out());
        assertTrue(list.out().contains("netpath        [netpath]"), list.out());

        Process ping = Loopback.ping("0.05");
        try {
            Cli.Result r = Cli.run(dist, List.of(), Map.of(), 60, "trace", "--probe", "xmit", "--probe", "netpath:hooks=tx",
                    "-a", "either=127.0.0.1", "--duration", "3");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("pkttrace: xmit: xmit attached as tp_btf/net_dev_xmit"), r.toString());
            assertTrue(XMIT_ROW.matcher(r.out()).results().count() >= 4, "the third-party probe's events reached the console: " + r);
            assertTrue(TX_ROW.matcher(r.out()).results().count() >= 4, "and the built-in probe's, in the same run: " + r);
        } finally {
            ping.destroy();
            ping.waitFor();
        }
    }
}
