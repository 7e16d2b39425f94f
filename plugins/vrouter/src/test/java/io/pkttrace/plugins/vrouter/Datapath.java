package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real vrouter datapath of ../shared/vrouter (vrdp_driver and vrouter.ko's BTF), built once per
 * checkout into target/vrouter-datapath/{O2,O0} at the repository root. A user's clone has no
 * ../shared: tests that need it say loudly that they did not run, and fail when CI=true.
 */
public final class Datapath {
    private Datapath() {
    }

    /** The repository root: the nearest directory up from here with a "plugins" directory and a pom.xml. */
    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("plugins")) && Files.isRegularFile(p.resolve("pom.xml")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("not inside the pkttrace repository: " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** ../shared (or -Dpkttrace.shared=DIR); a missing one stops the test loudly (fails it when CI=true). */
    public static Path shared() {
        String prop = System.getProperty("pkttrace.shared");
        Path s = prop != null ? Path.of(prop) : repoRoot().resolve("../shared").normalize();
        need(Files.isRegularFile(s.resolve("vrouter/build.sh")), s + "/vrouter (the real vrouter datapath of ../shared)");
        return s;
    }

    public static Path moduleBtf() {
        Path f = shared().resolve("vrouter/btf/vrouter.ko.btf");
        need(Files.isReadable(f), f.toString());
        return f;
    }

    /** Stops the test: NOT RUN said on stderr, failed in CI. */
    public static void need(boolean present, String what) {
        if (present) {
            return;
        }
        String msg = "NOT RUN: " + what + " is missing";
        System.err.println("vrouter datapath tests: " + msg);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(msg + " (CI=true: a missing prerequisite fails)");
        }
        Assumptions.abort(msg);
    }

    /** vrdp_driver built with -O2 or -O0 (OPT), building it first when needed (~40 s each). */
    public static synchronized Path driver(String opt) throws IOException, InterruptedException {
        Path build = shared().resolve("vrouter/build.sh");
        Path out = repoRoot().resolve("target/vrouter-datapath/" + opt.replace("-", ""));
        Path driver = out.resolve("vrdp_driver");
        if (Files.isExecutable(driver) && Files.getLastModifiedTime(driver).compareTo(Files.getLastModifiedTime(build)) > 0) {
            return driver;
        }
        Files.createDirectories(out);
        Path log = out.resolve("build.log");
        ProcessBuilder pb = new ProcessBuilder("bash", build.toString(), out.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("OPT", opt);
        Process p = pb.start();
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            String tail = Files.readString(log, StandardCharsets.UTF_8);
            need(false, "a vrdp_driver build (" + build + " failed; packages from scripts/setup.sh?): "
                    + tail.substring(Math.max(0, tail.length() - 400)).replace('\n', ' '));
        }
        return driver;
    }
}
