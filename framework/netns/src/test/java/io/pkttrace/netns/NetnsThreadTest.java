package io.pkttrace.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pkttrace.api.PkttraceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Entering a real namespace on the calling thread and coming back (needs root; with CI=true it fails without). */
class NetnsThreadTest {
    private final String name = "ptnst" + ProcessHandle.current().pid();

    private static void ip(String... args) throws Exception {
        String[] argv = new String[args.length + 1];
        argv[0] = "ip";
        System.arraycopy(args, 0, argv, 1, args.length);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + ": " + out);
        }
    }

    @BeforeEach
    void namespace() throws Exception {
        if (ProcessHandle.current().info().user().map(u -> !u.equals("root")).orElse(true)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("namespace test cannot run (CI=true): needs root");
            }
            Assumptions.assumeTrue(false, "skipped: needs root");
        }
        ip("netns", "add", name);
    }

    @AfterEach
    void remove() throws Exception {
        ip("netns", "del", name);
    }

    /** The calling thread's namespace. */
    private static long own() throws PkttraceException {
        try {
            return Namespaces.inodeOfLink(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
        } catch (IOException e) {
            throw new PkttraceException("cannot read /proc/thread-self/ns/net: " + e, null);
        }
    }

    @Test
    void workRunsInTheNamespaceAndTheThreadComesBack() throws Exception {
        Path handle = Namespaces.RUN_NETNS.resolve(name);
        long target = (Long) Files.getAttribute(handle, "unix:ino");
        long before = own();
        assertNotEquals(before, target);
        try (NetnsThread netns = new NetnsThread(Native.get())) {
            assertEquals(target, netns.in(handle, NetnsThreadTest::own).longValue());
            assertEquals(before, own(), "back home");
            assertEquals(target, netns.in(handle, NetnsThreadTest::own).longValue(), "and in again");
            PkttraceException e = assertThrows(PkttraceException.class, () -> netns.in(Path.of("/run/netns/" + name + "-none"), () -> 0));
            assertTrue(e.getMessage().startsWith("cannot open network namespace /run/netns/" + name + "-none ("), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            assertEquals(before, own());
        }
    }
}
