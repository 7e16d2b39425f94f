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

    private final NativeBpf n;
    private final EngineSettings settings;
    private final TupleRules kernelRules;
    private final DropReasons dropReasons;
    private final Consumer<String> reporter;
    private final List<LibbpfObject> opened = new ArrayList<>();
    private final List<Ring> rings = new ArrayList<>();
    private final List<User> users = new ArrayList<>();
    private String probe = "probe";

    ProbeRuntime(NativeBpf n, EngineSettings settings, TupleRules kernelRules, DropReasons dropReasons,
                 Consumer<String> reporter) {
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
        if (obj.hasMap("pt_events")) {
            obj.setMaxEntries("pt_events", settings.ringBytes());
        }
        return obj;
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
