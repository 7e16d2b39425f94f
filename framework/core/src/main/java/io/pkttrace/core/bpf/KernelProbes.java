package io.pkttrace.core.bpf;

import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.ElfFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds out what the kernel and this process can do by trying each feature for real, with the calls
 * the engine uses when a probe attaches ({@link LibbpfObject}): a tiny program of the type is loaded
 * (features.bpf.c) and attached where that is harmless, then removed at once; other answers come from
 * what the kernel exposes. Each feature is tried once per process, when first asked: probes ask for
 * the few their mechanism choice needs, {@code pkttrace doctor} asks for all.
 */
public final class KernelProbes implements KernelSupport {
    /** What trying a feature showed. */
    public enum State { PRESENT, ABSENT, UNKNOWN }

    /**
     * @param detail for a present feature, how it was checked; otherwise why it cannot be used, or (UNKNOWN)
     *               why it could not be checked
     */
    public record Finding(State state, String detail) {
    }

    static final String OBJECT = "/bpf/features.bpf.o";
    private static final List<String> PROGRAMS = List.of("pt_feature_raw_tp", "pt_feature_kprobe",
            "pt_feature_kprobe_multi", "pt_feature_fentry", "pt_feature_uprobe", "pt_feature_uprobe_multi",
            "pt_feature_netfilter", "pt_feature_socket");
    /** A kernel function that exists for BPF's self-tests and runs only under BPF_PROG_TEST_RUN: harmless to hook. */
    static final String TEST_FUNCTION = "bpf_fentry_test1";
    private static final int BPF_MAP_TYPE_RINGBUF = 27;
    private static final int NFPROTO_IPV4 = 2;
    private static final int NF_INET_LOCAL_OUT = 3;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KernelProbes.class);
    private static final KernelProbes INSTANCE = new KernelProbes();
    private final Map<KernelFeature, Finding> found = new EnumMap<>(KernelFeature.class);

    private KernelProbes() {
    }

    /** The process-wide answers. */
    public static KernelProbes get() {
        return INSTANCE;
    }

    /** What trying {@code feature} showed (tried on first call). */
    public synchronized Finding finding(KernelFeature feature) {
        Finding f = found.get(feature);
        if (f == null) {
            long t0 = System.nanoTime();
            f = probe(feature);
            found.put(feature, f);
            LOG.debug("kernel feature {}: {} ({}) in {} ms", feature.label(), f.state(), f.detail(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        return f;
    }

    @Override
    public boolean has(KernelFeature feature) {
        return finding(feature).state() == State.PRESENT;
    }

    @Override
    public String whyNot(KernelFeature feature) {
        Finding f = finding(feature);
        return f.state() == State.PRESENT ? null : f.state() == State.UNKNOWN ? "not checked: " + f.detail() : f.detail();
    }

    private Finding probe(KernelFeature feature) {
        return switch (feature) {
            case BTF -> btf();
            case RING_BUFFER -> ringBuffer();
            case TP_BTF -> tpBtf();
            case RAW_TP -> program("pt_feature_raw_tp", o -> o.attach("pt_feature_raw_tp").toString());
            case KPROBE -> program("pt_feature_kprobe",
                    o -> o.attachKprobe("pt_feature_kprobe", TEST_FUNCTION, false).toString());
            case KPROBE_MULTI -> program("pt_feature_kprobe_multi", o -> o.attachKprobeMulti("pt_feature_kprobe_multi",
                    List.of(TEST_FUNCTION), new long[] {0}, false).toString());
            case FENTRY -> program("pt_feature_fentry", o -> o.attachTracing("pt_feature_fentry", 0) + TEST_FUNCTION);
            case UPROBE -> program("pt_feature_uprobe", o -> o.attachUprobe("pt_feature_uprobe", libc(), "getpid", false,
                    (int) ProcessHandle.current().pid()).toString());
            case UPROBE_MULTI -> uprobeMulti();
            case NETFILTER_LINK -> program("pt_feature_netfilter", o -> o.attachNetfilter("pt_feature_netfilter",
                    NFPROTO_IPV4, NF_INET_LOCAL_OUT, Integer.MIN_VALUE + 2).toString() + " (accepts every packet; removed at once)");
            case NFTRACE -> NfTraceCheck.check();
            case SOCKET_FILTER -> program("pt_feature_socket", o -> "(a socket filter is attached to a socket, not to the kernel)");
        };
    }

    private static Finding btf() {
        Optional<Path> given = Btf.givenVmlinux();
        Path path = Btf.vmlinuxPath();
        if (given.isEmpty() && !Files.isReadable(path)) {
            return new Finding(State.ABSENT, "the kernel exposes no BTF (" + path + " is missing): give this kernel's BTF"
                    + " with pkttrace --btf FILE");
        }
        try {
            Btf b = BtfFile.check(path);
            return new Finding(State.PRESENT, "from " + (given.isPresent() ? "--btf " + path : path) + " (" + b.typeCount()
                    + " types)");
        } catch (PkttraceException e) {
            return new Finding(State.ABSENT, e.getMessage());
        }
    }

    private static Finding ringBuffer() {
        Optional<Finding> denied = unprivileged();
        if (denied.isPresent()) {
            return denied.get();
        }
        try {
            NativeBpf n = NativeBpf.get();
            int rc = n.bpf().libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, null);
            return rc == 1 ? new Finding(State.PRESENT, "created a BPF ring buffer map")
                    : new Finding(State.ABSENT, "the kernel refused a BPF ring buffer map ("
                    + (rc < 0 ? n.strerror(-rc) : "unknown map type") + "; ring buffers need Linux 5.8)");
        } catch (PkttraceException e) {
            return new Finding(State.UNKNOWN, e.getMessage());
        }
    }

    private Finding uprobeMulti() {
        if (!KernelFeatures.hasUprobeMulti()) {
            return new Finding(State.ABSENT, "the kernel's BTF names no BPF_TRACE_UPROBE_MULTI attach type (Linux 6.6 and later)");
        }
        return program("pt_feature_uprobe_multi", o -> {
            String libc = libc();
            long offset = functionOffset(libc, "getpid");
            return o.attachUprobeMulti("pt_feature_uprobe_multi", libc, new long[] {offset}, new long[] {0}, false,
                    (int) ProcessHandle.current().pid()).toString();
        });
    }

    /** The C library this process runs with (from /proc/self/maps): a harmless place for an uprobe on this process only. */
    static String libc() throws PkttraceException {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash > 0 && line.substring(slash).strip().matches(".*/libc(-[^/]*)?\\.so(\\.\\d+)*")) {
                    return line.substring(slash).strip();
                }
            }
        } catch (IOException e) {
            throw new PkttraceException("cannot read /proc/self/maps (" + e.getMessage() + ")", null);
        }
        throw new PkttraceException("this process maps no C library to place an uprobe in", null);
    }

    private static long functionOffset(String binary, String function) throws PkttraceException {
        try {
            ElfFile elf = ElfFile.open(Path.of(binary));
            for (ElfFile.Symbol s : elf.symbols()) {
                if (s.name().equals(function) && s.isFunction() && s.isDefined()) {
                    Optional<Long> off = elf.fileOffset(s);
                    if (off.isPresent()) {
                        return off.get();
                    }
                }
            }
        } catch (IOException e) {
            throw new PkttraceException("cannot read " + binary + " (" + e.getMessage() + ")", null);
        }
        throw new PkttraceException(binary + " has no function " + function, null);
    }

    /** An attach step that says what it attached. */
    @FunctionalInterface
    private interface Attach {
        String attach(LibbpfObject o) throws PkttraceException;
    }

    /** Loads only {@code program} of features.bpf.o, attaches it with {@code attach}, removes it. */
    private Finding program(String program, Attach attach) {
        Optional<Finding> denied = unprivileged();
        if (denied.isPresent()) {
            return denied.get();
        }
        LibbpfObject o = null;
        try {
            o = LibbpfObject.open(NativeBpf.get(), "features", elf());
            for (String p : PROGRAMS) {
                o.setAutoload(p, p.equals(program));
            }
            o.load();
            return new Finding(State.PRESENT, "loaded and attached " + attach.attach(o));
        } catch (PkttraceException e) {
            String m = e.getMessage().lines().findFirst().orElse("");
            if (m.startsWith("loading BPF programs was refused")) { // privileged, so it is the kernel that refuses
                m = "the kernel refuses to load " + program.substring("pt_feature_".length()) + " programs although this"
                        + " process may load BPF programs" + m.substring("loading BPF programs was refused".length());
            }
            return new Finding(State.ABSENT, m);
        } finally {
            if (o != null) {
                o.close();
            }
        }
    }

    /**
     * tp_btf with raw bpf() calls: no second parse of the kernel's BTF by libbpf on every run (see TpBtfCheck).
     * A tp_btf program attaches to a type id of the kernel's own BTF: a kernel that exposes none has no
     * tp_btf, whatever --btf FILE gives (that serves CO-RE relocations and names only).
     */
    private static Finding tpBtf() {
        Path own = Btf.sysfsVmlinux();
        if (!Files.isReadable(own)) {
            return new Finding(State.ABSENT, "the kernel exposes no BTF of its own (" + own + " is missing), and a tp_btf"
                    + " program attaches to an id in it (--btf FILE serves CO-RE relocations only)");
        }
        Optional<Finding> denied = unprivileged();
        if (denied.isPresent()) {
            return denied.get();
        }
        try {
            return new Finding(State.PRESENT, "loaded and attached " + TpBtfCheck.attach(NativeBpf.get(), "netif_receive_skb"));
        } catch (PkttraceException e) {
            return new Finding(State.ABSENT, e.getMessage());
        }
    }

    /** UNKNOWN when this process may not load BPF programs: their absence would prove nothing about the kernel. */
    private static Optional<Finding> unprivileged() {
        try {
            KernelFeatures.requireBpfPrivileges();
            return Optional.empty();
        } catch (PkttraceException e) {
            return Optional.of(new Finding(State.UNKNOWN, "this process may not load BPF programs (run as root, or with"
                    + " CAP_BPF and CAP_PERFMON)"));
        }
    }

    private static byte[] elf() throws PkttraceException {
        try (InputStream in = KernelProbes.class.getResourceAsStream(OBJECT)) {
            if (in == null) {
                throw new PkttraceException("pkttrace-core lacks " + OBJECT, "rebuild pkttrace (mvn package)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new PkttraceException("cannot read " + OBJECT + " (" + e.getMessage() + ")", null);
        }
    }
}
