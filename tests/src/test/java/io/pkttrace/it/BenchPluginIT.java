package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's synthetic probe and null sink work through the real pipeline. */
class BenchPluginIT {
    @Test
    void syntheticProbeCountsOneProcesssSystemCalls() throws Exception {
        KernelTestSupport.requireBpf();
        // `yes` makes a write() system call per buffer, endlessly: a steady source for syscall=any. It makes
        // millions per second, faster than a consumer still running interpreted code drains them, so
        // the ring is sized to hold the first ~50 ms (the default 4 MiB loses some at start, reported).
        // At the lowest priority (nice execs yes: the pid is yes's): on a machine busy with other work the
        // consumer gets the CPU before yes, instead of yes outrunning it; on an idle one nothing changes.
        Process yes = new ProcessBuilder("nice", "-n", "19", "yes").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Cli.Result r = Cli.run(List.of(), Map.of(), 60, "trace", "--probe", "synthetic:pid=" + yes.pid() + ",syscall=any",
                    "--sink", "null", "--count", "1000", "--stats", "--ring-size", "67108864");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("null: 1000 events read"), r.toString());
            assertTrue(r.err().contains("0 lost"), r.toString());
        } finally {
            yes.destroy();
            yes.waitFor();
        }
    }

    @Test
    void syntheticProbeNeedsAPid() throws Exception {
        Cli.Result r = Cli.run("trace", "--probe", "synthetic", "--sink", "null");
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
    }
}
