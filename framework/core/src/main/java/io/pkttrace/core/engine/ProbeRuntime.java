package io.pkttrace.core.engine;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.EventSource;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.api.RecordDecoder;
import io.pkttrace.api.TupleRules;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.core.bpf.DropReasons;
import io.pkttrace.core.bpf.EventLayout;
import io.pkttrace.core.bpf.HookNames;
import io.pkttrace.core.bpf.KernelFilterEncoder;
import io.pkttrace.core.bpf.LibbpfObject;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.bpf.StandardRecordDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The engine's side of {@link ProbeContext}: opens objects, sizes and fills their maps, collects sources. */
final class ProbeRuntime implements ProbeContext {
    /** A ring buffer the engine will read, with the object that owns it and the probe it belongs to. */
    record Ring(String probe, LibbpfObject object, RecordDecoder decoder) {
    }

    /** A user-space source a probe registered. */
    record User(String probe, EventSource source) {
    }

    /** The probe SDK's snap length: a read-only global alone in its section (output.h). */
    static final String SNAP_SECTION = ".rodata.pkttrace";
    static final String SNAP_VARIABLE = "pt_snap_len";
    static final String FILTER_SECTION = ".rodata.pkttrace_filter";
    static final String FILTER_VARIABLE = "pt_filter_fixed";

    private final NativeBpf n;
    private final EngineSettings settings;
    private final TupleRules kernelRules;
    private final DropReasons dropReasons;
    private final Consumer<String> reporter;
    private final List<LibbpfObject> opened = new ArrayList<>();
    private final List<Ring> rings = new ArrayList<>();
    private final List<User> users = new ArrayList<>();
    private final int packetBytes;
    private final java.util.Set<String> snapReported = new java.util.HashSet<>();
    private final java.util.Set<String> ringReported = new java.util.HashSet<>();
    private String probe = "probe";

    ProbeRuntime(NativeBpf n, EngineSettings settings, TupleRules kernelRules, DropReasons dropReasons,
                 Consumer<String> reporter) {
        this(n, settings, kernelRules, dropReasons, reporter, 0);
    }

    /** @param packetBytes the snap length the sinks asked for, 0 for none */
    ProbeRuntime(NativeBpf n, EngineSettings settings, TupleRules kernelRules, DropReasons dropReasons,
                 Consumer<String> reporter, int packetBytes) {
        this.packetBytes = packetBytes;
        this.n = n;
        this.settings = settings;
        this.kernelRules = kernelRules;
        this.dropReasons = dropReasons;
        this.reporter = reporter;
    }

    /** The probe now starting: what its sources are called in messages. */
    void starting(String probeName) {
        probe = probeName;
    }

    @Override
    public BpfObject open(String name, byte[] elf) throws PkttraceException {
        LibbpfObject obj = LibbpfObject.open(n, name, elf);
        opened.add(obj);
        int snap = packetBytes > 0 ? setSnapLength(obj) : 0;
        setFixedFilter(obj);
        if (obj.hasMap("pt_events")) {
            obj.setMaxEntries("pt_events", ringBytes(obj, snap));
        }
        return obj;
    }

    /**
     * The ring's size: --ring-size, scaled when records carry packet bytes so that the ring holds as
     * many records as without them (a burst it absorbs without bytes it absorbs with them).
     */
    private int ringBytes(LibbpfObject obj, int snap) throws PkttraceException {
        int ring = settings.ringBytes();
        if (snap == 0 || obj.btf().find("pkttrace_event", io.pkttrace.btf.BtfKind.STRUCT) < 0) {
            return ring;
        }
        long record;
        try {
            record = io.pkttrace.btf.StructLayout.of(obj.btf(), "pkttrace_event").size();
        } catch (LayoutException e) {
            throw mismatch(obj, e);
        }
        long scaled = ring * (record + snap + 8) / (record + 8); // 8: the ring's record header
        int pow2 = (int) Math.min(1L << 30, Long.highestOneBit(scaled - 1) << 1);
        if (pow2 > ring && ringReported.add(probe)) {
            reporter.accept(probe + ": ring buffer " + (pow2 >> 20) + " MiB instead of " + (ring >> 20)
                    + " MiB: records carry " + snap + " packet bytes, so it holds as many of them");
        }
        return Math.max(ring, pow2);
    }

    /**
     * Gives an object that has the SDK's pt_filter_fixed (filter.h) the run's kernel filter before load, so that
     * the verifier folds it into the programs; the pt_filter map still gets it after load (consume).
     */
    private void setFixedFilter(LibbpfObject obj) throws PkttraceException {
        if (obj.btf().sectionVariable(FILTER_SECTION, FILTER_VARIABLE) == null) {
            return;
        }
        byte[] fixed;
        try {
            fixed = KernelFilterEncoder.of(obj.btf()).encodeFixed(obj.btf(), kernelRules);
        } catch (LayoutException e) {
            throw mismatch(obj, e);
        }
        obj.setReadOnlyBytes(FILTER_SECTION, FILTER_VARIABLE, fixed);
    }

    /** Sets the SDK's pt_snap_len of an object that has it (output.h), capped at what the object can copy. */
    private int setSnapLength(LibbpfObject obj) throws PkttraceException {
        int snap = packetBytes;
        try {
            if (!obj.btf().findAll("pt_snap_limit", io.pkttrace.btf.BtfKind.ENUM).isEmpty()) {
                snap = (int) Math.min(snap, io.pkttrace.btf.EnumConstants.of(obj.btf(), "pt_snap_limit").value("PT_SNAP_MAX"));
            }
        } catch (LayoutException e) {
            throw mismatch(obj, e);
        }
        if (obj.setReadOnlyGlobal(SNAP_SECTION, SNAP_VARIABLE, snap)) {
            if (snapReported.add(probe)) {
                reporter.accept(probe + ": each packet's first " + snap + " bytes are copied (a sink asked for them)");
            }
            return snap;
        }
        reporter.accept(probe + ": BPF object " + obj.name() + " does not copy packet bytes (it does not use the probe SDK's"
                + " output.h): its events reach the sinks without them");
        return 0;
    }

    @Override
    public int packetBytes() {
        return packetBytes;
    }

    @Override
    public void consume(BpfObject object, RecordDecoder decoder) throws PkttraceException {
        LibbpfObject obj = own(object);
        if (!obj.isLoaded()) {
            throw new IllegalStateException("consume() must be called after load() and before attaching");
        }
        // The filter goes in before any program is attached, so no unfiltered record is produced.
        if (obj.hasMap("pt_filter")) {
            KernelFilterEncoder encoder;
            try {
                encoder = KernelFilterEncoder.of(obj.btf());
            } catch (LayoutException e) {
                throw mismatch(obj, e);
            }
            obj.updateMap("pt_filter", new byte[4], encoder.encode(kernelRules));
        }
        rings.add(new Ring(probe, obj, decoder));
    }

    @Override
    public void consume(EventSource source) {
        users.add(new User(probe, source));
    }

    @Override
    public TupleRules filterRules() {
        return kernelRules;
    }

    @Override
    public RecordDecoder standardDecoder(BpfObject object, String probeType, String hookEnum) throws PkttraceException {
        LibbpfObject obj = own(object);
        try {
            return standardDecoder(obj, probeType, HookNames.fromEnum(obj.btf(), hookEnum));
        } catch (LayoutException e) {
            throw mismatch(obj, e);
        }
    }

    @Override
    public RecordDecoder standardDecoder(BpfObject object, String probeType, String[] hookNames) throws PkttraceException {
        LibbpfObject obj = own(object);
        try {
            return new StandardRecordDecoder(EventLayout.of(obj.btf()), probeType, hookNames, dropReasons);
        } catch (LayoutException e) {
            throw mismatch(obj, e);
        }
    }

    private LibbpfObject own(BpfObject object) {
        if (!(object instanceof LibbpfObject obj) || !opened.contains(obj)) {
            throw new IllegalArgumentException("takes an object opened by this context");
        }
        return obj;
    }

    /** The plugin was built against other SDK headers than this engine reads. */
    private static PkttraceException mismatch(LibbpfObject obj, LayoutException e) {
        return new PkttraceException("BPF object '" + obj.name() + "' does not match this pkttrace: " + e.getMessage(),
                "rebuild the plugin against this pkttrace's probe SDK (pkttrace-probe-maven-plugin)");
    }

    @Override
    public void report(String line) {
        reporter.accept(line);
    }

    /** The same process-wide answers {@code pkttrace doctor} shows. */
    @Override
    public io.pkttrace.api.KernelSupport kernel() {
        return io.pkttrace.core.bpf.KernelProbes.get();
    }

    List<Ring> rings() {
        return rings;
    }

    List<User> users() {
        return users;
    }

    List<LibbpfObject> opened() {
        return opened;
    }
}
