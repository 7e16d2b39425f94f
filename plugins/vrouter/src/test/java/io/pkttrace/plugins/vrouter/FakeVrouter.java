package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** fake_vrouter.c (test resources), compiled once per test JVM with gcc -g; run with modes. */
final class FakeVrouter {
    private static Path binary;

    private FakeVrouter() {
    }

    /** The compiled program; fails in CI (skips elsewhere, loudly) when gcc or pahole is missing. */
    static synchronized Path binary() throws IOException, InterruptedException {
        if (binary != null) {
            return binary;
        }
        for (String tool : List.of("gcc", "pahole")) {
            if (!onPath(tool)) {
                String msg = "NOT RUN: " + tool + " is missing (scripts/setup.sh installs it)";
                System.err.println("FakeVrouter: " + msg);
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail(msg + " (CI=true: a missing prerequisite fails)");
                }
                Assumptions.abort(msg);
            }
        }
        Path dir = Files.createTempDirectory("pt-fake-vrouter");
        dir.toFile().deleteOnExit();
        Path src = dir.resolve("fake_vrouter.c");
        try (InputStream in = FakeVrouter.class.getResourceAsStream("/fake_vrouter.c")) {
            Files.copy(in, src);
        }
        Path out = dir.resolve("fake_vrouter");
        run(List.of("gcc", "-g", "-O0", "-o", out.toString(), src.toString()));
        src.toFile().deleteOnExit();
        out.toFile().deleteOnExit();
        binary = out;
        return out;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs the program with these modes and waits for it. */
    static void runModes(String... modes) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(binary().toString());
        argv.addAll(List.of(modes));
        run(argv);
    }

    private static void run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
    }
}
