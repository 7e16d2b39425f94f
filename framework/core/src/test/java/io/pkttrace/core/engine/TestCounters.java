package io.pkttrace.core.engine;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.bpf.LibbpfObject;
import io.pkttrace.core.bpf.PerCpuCounters;
import io.pkttrace.core.bpf.NativeBpf;

/** Gives tests in other packages the engine's counter reader. */
public final class TestCounters {
    private TestCounters() {
    }

    /** pt_counters of an object: emitted, lost, filtered. */
    public static long[] read(NativeBpf n, LibbpfObject o) throws PkttraceException {
        return PerCpuCounters.read(n, o.mapFd("pt_counters"), 3);
    }
}
