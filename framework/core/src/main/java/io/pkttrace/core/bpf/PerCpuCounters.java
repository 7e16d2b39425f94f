package io.pkttrace.core.bpf;

import io.pkttrace.api.PkttraceException;
import jnr.ffi.Pointer;

/** Sums the per-CPU u64 slots of a BPF_MAP_TYPE_PERCPU_ARRAY (pt_counters). */
public final class PerCpuCounters {
    private PerCpuCounters() {
    }

    public static long[] read(NativeBpf n, int fd, int entries) throws PkttraceException {
        int cpus = n.bpf().libbpf_num_possible_cpus();
        Pointer key = n.allocate(4);
        Pointer value = n.allocate(8L * cpus);
        long[] sums = new long[entries];
        for (int i = 0; i < entries; i++) {
            key.putInt(0, i);
            if (n.bpf().bpf_map_lookup_elem(fd, key, value) != 0) {
                throw new PkttraceException("cannot read counter " + i + " (" + n.strerror(n.errno()) + ")", null);
            }
            for (int c = 0; c < cpus; c++) {
                sums[i] += value.getLong(8L * c);
            }
        }
        return sums;
    }
}
