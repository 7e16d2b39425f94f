package io.pkttrace.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One {@link HotPathBenchmark} method's cost as the calling thread's own CPU time per call, which
 * other work on a loaded machine inflates far less than JMH's wall time: warm-up calls, then rounds
 * of measured calls, each printed, and the smallest. Run one method per JVM, old and new code
 * alternately, and compare the smallest values:
 * {@code java -cp 'benchmarks/jmh/target/classes:benchmarks/jmh/target/lib/*' io.pkttrace.jmh.ThreadCpu decodeSynthetic}
 */
public final class ThreadCpu {
    private static volatile long sink;

    private ThreadCpu() {
    }

    /** Arguments: METHOD [WARMUP_CALLS [CALLS [ROUNDS]]], default 3,000,000, 2,000,000 and 5. */
    public static void main(String[] args) throws Exception {
        String method = args[0];
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3_000_000;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 2_000_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        HotPathBenchmark b = new HotPathBenchmark();
        b.setUp();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        run(b, method, warmup);
        StringBuilder line = new StringBuilder(method).append(" thread CPU ns/call:");
        double least = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long start = threads.getCurrentThreadCpuTime();
            run(b, method, calls);
            double ns = (threads.getCurrentThreadCpuTime() - start) / (double) calls;
            least = Math.min(least, ns);
            line.append(String.format(" %.1f", ns));
        }
        System.out.println(line.append(String.format("; min %.1f", least)));
        b.tearDown();
    }

    /** Direct calls, one loop per method, so that each is compiled as JMH compiles it. */
    private static void run(HotPathBenchmark b, String method, int n) {
        long s = 0;
        switch (method) {
            case "decodeSynthetic" -> { for (int i = 0; i < n; i++) { s += b.decodeSynthetic().pid(); } }
            case "decodeUdp" -> { for (int i = 0; i < n; i++) { s += b.decodeUdp().pid(); } }
            case "pipelineSyntheticNull" -> { for (int i = 0; i < n; i++) { s += b.pipelineSyntheticNull(); } }
            case "pipelineSyntheticNetnsNull" -> { for (int i = 0; i < n; i++) { s += b.pipelineSyntheticNetnsNull(); } }
            case "pipelineUdpFilterMiss" -> { for (int i = 0; i < n; i++) { s += b.pipelineUdpFilterMiss(); } }
            case "sinkNull" -> { for (int i = 0; i < n; i++) { s += b.sinkNull(); } }
            case "sinkJson" -> { for (int i = 0; i < n; i++) { b.sinkJson(); } }
            case "sinkJsonSynthetic" -> { for (int i = 0; i < n; i++) { b.sinkJsonSynthetic(); } }
            case "sinkPcapng" -> { for (int i = 0; i < n; i++) { b.sinkPcapng(); } }
            case "sinkFlow" -> { for (int i = 0; i < n; i++) { b.sinkFlow(); } }
            case "sinkFlowSynthetic" -> { for (int i = 0; i < n; i++) { b.sinkFlowSynthetic(); } }
            case "decodeUdpWithBytes" -> { for (int i = 0; i < n; i++) { s += b.decodeUdpWithBytes().pid(); } }
            default -> throw new IllegalArgumentException("no such benchmark here: " + method);
        }
        sink += s;
    }
}
