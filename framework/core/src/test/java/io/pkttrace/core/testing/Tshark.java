package io.pkttrace.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Reads a capture with the real consumer of pcapng, tshark (Debian package tshark, installed by
 * scripts/setup.sh); a missing tshark fails the test when CI=true, else stops it loudly. In core's test
 * jar beside {@link KernelTestSupport}: the sinks plugin's and the integration tests use it.
 */
public final class Tshark {
    private Tshark() {
    }

    /** One row per packet: the fields' values separated by '|' (several values of one field by ','). */
    public static List<String> fields(Path file, String... fields) throws Exception {
        List<String> argv = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-T", "fields", "-E", "separator=|"));
        for (String f : fields) {
            argv.add("-e");
            argv.add(f);
        }
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start(); // stderr: "running as root"
        } catch (IOException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("tshark is missing (CI=true): scripts/setup.sh installs it");
            }
            Assumptions.abort("tshark is missing: scripts/setup.sh installs it");
            return List.of();
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tshark did not finish reading " + file);
        }
        assertEquals(0, p.exitValue(), "tshark read " + file + ": " + out);
        return out.lines().toList();
    }
}
