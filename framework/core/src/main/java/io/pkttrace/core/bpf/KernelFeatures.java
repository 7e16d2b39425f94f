package io.pkttrace.core.bpf;

import io.pkttrace.api.PkttraceException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks for kernel features before they are used, so failures name the missing feature. */
public final class KernelFeatures {
    /** Where kernel BTF is read from: {@code --btf FILE}, else sysfs (a system property lets tests simulate a kernel without it). */
    private static Path btfPath() {
        return io.pkttrace.btf.Btf.vmlinuxPath();
    }

    private KernelFeatures() {
    }

    /** True when the kernel can attach kprobes (perf kprobe PMU or tracefs kprobe_events). */
    public static boolean hasKprobes() {
        return Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"))
                || Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"))
                || Files.exists(Path.of("/sys/kernel/debug/tracing/kprobe_events"));
    }

    public static void requireKprobes() throws PkttraceException {
        if (!hasKprobes()) {
            throw new PkttraceException("this kernel has no kprobe support (built without CONFIG_KPROBES)",
                    "use a kernel built with CONFIG_KPROBES=y; a user-space datapath can still be traced, with uprobes,"
                            + " which need no kprobe support");
        }
    }

    private static volatile Boolean uprobeMulti;

    /**
     * True when the kernel has uprobe.multi links (Linux 6.6 and later): its BTF names
     * BPF_TRACE_UPROBE_MULTI among the attach types. Asked once per process.
     */
    public static boolean hasUprobeMulti() {
        Boolean v = uprobeMulti;
        if (v == null) {
            v = kernelEnumHas("bpf_attach_type", "BPF_TRACE_UPROBE_MULTI");
            uprobeMulti = v;
        }
        return v;
    }

    /** True when the running kernel's BTF has that enumerator in that enum. */
    static boolean kernelEnumHas(String enumName, String value) {
        try {
            io.pkttrace.btf.Btf btf = io.pkttrace.btf.Btf.vmlinux();
            int e = btf.find(enumName, io.pkttrace.btf.BtfKind.ENUM);
            return e > 0 && btf.enumValues(e).stream().anyMatch(x -> x.name().equals(value));
        } catch (java.io.IOException | RuntimeException ex) {
            return false;
        }
    }

    private static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    /**
     * Classic tracepoints are attached by id, read from tracefs. Hosts that boot without mounting it
     * (like this project's CI VM) get it mounted here, as perf and bpftrace users would by hand.
     *
     * @return true when this call mounted it
     */
    public static boolean ensureTracefs() throws PkttraceException {
        if (Files.isDirectory(TRACEFS.resolve("events")) || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("mount", "-t", "tracefs", "nodev", TRACEFS.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0 || !Files.isDirectory(TRACEFS.resolve("events"))) {
                throw new PkttraceException("classic tracepoints need tracefs, which is not mounted and could not be mounted ("
                        + out + ")", "mount it: mount -t tracefs nodev " + TRACEFS);
            }
            return true;
        } catch (java.io.IOException e) {
            throw new PkttraceException("classic tracepoints need tracefs, which is not mounted",
                    "mount it: mount -t tracefs nodev " + TRACEFS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PkttraceException("interrupted while mounting tracefs", null);
        }
    }

    public static void requireBtf() throws PkttraceException {
        requireBtf(btfPath());
    }

    static void requireBtf(Path btf) throws PkttraceException {
        if (io.pkttrace.btf.Btf.givenVmlinux().isPresent()) {
            BtfFile.check(btf);
            return;
        }
        if (!Files.isReadable(btf)) {
            throw new PkttraceException("this kernel exposes no BTF (" + btf + " is missing)",
                    "pkttrace needs a kernel built with CONFIG_DEBUG_INFO_BTF=y (most distribution kernels since 5.4),"
                            + " or this kernel's BTF as a file: pkttrace --btf FILE ...");
        }
    }

    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    /** Fails unless the process may load and attach tracing BPF programs. */
    public static void requireBpfPrivileges() throws PkttraceException {
        long caps;
        try {
            caps = effectiveCapabilities(Files.readString(Path.of("/proc/self/status")));
        } catch (java.io.IOException e) {
            caps = 0;
        }
        requireBpfPrivileges(caps);
    }

    /** @param capEff the effective capability set (CapEff of /proc/self/status) */
    public static void requireBpfPrivileges(long capEff) throws PkttraceException {
        boolean admin = (capEff & (1L << CAP_SYS_ADMIN)) != 0;
        boolean bpfAndPerfmon = (capEff & (1L << CAP_BPF)) != 0 && (capEff & (1L << CAP_PERFMON)) != 0;
        if (!admin && !bpfAndPerfmon) {
            throw new PkttraceException("pkttrace needs root (or CAP_BPF and CAP_PERFMON) to load BPF programs",
                    "run it with sudo, or as root");
        }
    }

    /** Parses CapEff out of /proc/self/status text; 0 when absent. */
    public static long effectiveCapabilities(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        }
        return 0;
    }
}
