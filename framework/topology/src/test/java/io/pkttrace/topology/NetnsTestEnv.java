package io.pkttrace.topology;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that create real network namespaces: they need root (CAP_SYS_ADMIN and
 * CAP_NET_ADMIN) and iproute2. Outside CI a missing capability skips the test; with CI=true it fails
 * it, so a misconfigured CI runner cannot pass by silently skipping everything.
 */
final class NetnsTestEnv {
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;

    private NetnsTestEnv() {}

    static void requireNetnsCapability() {
        String missing = missing();
        if (missing == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("kernel test cannot run (CI=true): " + missing);
        }
        Assumptions.assumeTrue(false, "skipped: " + missing);
    }

    private static String missing() {
        long caps;
        try {
            caps = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("CapEff:"))
                    .mapToLong(l -> Long.parseUnsignedLong(l.substring(7).strip(), 16))
                    .findFirst().orElse(0);
        } catch (IOException e) {
            return "cannot read /proc/self/status: " + e;
        }
        if ((caps & (1L << CAP_SYS_ADMIN)) == 0 || (caps & (1L << CAP_NET_ADMIN)) == 0) {
            return "needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN)";
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ip"))) {
                return null;
            }
        }
        return "the 'ip' command (iproute2) is not installed";
    }
}
