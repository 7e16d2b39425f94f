package io.pkttrace.core.bpf;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.MalformedFileException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jnr.ffi.Pointer;

/** A BPF object opened, loaded and attached through libbpf. Not thread-safe: used during start/stop. */
public final class LibbpfObject implements BpfObject {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LibbpfObject.class);
    private static final int LOG_BUF_SIZE = 1 << 20;
    private static final int LOG_TAIL_LINES = 12;
    /** sizeof(struct bpf_test_run_opts) in libbpf 1.1 (x86-64 and other LP64 ABIs). */
    private static final int TEST_RUN_OPTS_SIZE = 80;

    private final NativeBpf n;
    private final LibBpf bpf;
    private final String name;
    private final Pointer elf; // libbpf reads the ELF from here until load completes
    private final byte[] elfBytes;
    private Btf btf;
    private Pointer obj;
    private boolean loaded;
    private final Map<String, Pointer> logBuffers = new LinkedHashMap<>();
    private final List<Pointer> links = new ArrayList<>();
    private final List<Attachment> attachments = new ArrayList<>();

    private LibbpfObject(NativeBpf n, String name, Pointer elf, byte[] elfBytes, Pointer obj) {
        this.n = n;
        this.bpf = n.bpf();
        this.name = name;
        this.elf = elf;
        this.elfBytes = elfBytes;
        this.obj = obj;
    }

    /** Opens an ELF object from memory (no kernel interaction yet). */
    public static LibbpfObject open(NativeBpf n, String name, byte[] elfBytes) throws PkttraceException {
        Pointer elf = n.allocate(elfBytes.length);
        elf.put(0, elfBytes, 0, elfBytes.length);
        Pointer opts = n.allocate(16);
        Pointer objName = n.allocate(name.length() + 1);
        objName.putString(0, name, name.length() + 1, java.nio.charset.StandardCharsets.US_ASCII);
        opts.putLong(0, 16);         // sz: we set only the first two fields
        opts.putPointer(8, objName); // object_name
        n.takeRecentWarnings();
        Pointer obj = n.bpf().bpf_object__open_mem(elf, elfBytes.length, opts);
        if (obj == null) {
            int err = n.errno();
            throw new PkttraceException("BPF object '" + name + "' could not be opened (" + n.strerror(err) + ")",
                    libbpfSaid(n, "the plugin's BPF object is damaged or was built for another architecture"));
        }
        return new LibbpfObject(n, name, elf, elfBytes, obj);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The object's own type information (its .BTF section): where the probe SDK's record, filter map
     * and hook enums are declared, read by the decoder and the filter encoder.
     */
    public Btf btf() throws PkttraceException {
        if (btf == null) {
            try {
                btf = Btf.fromElf(ByteBuffer.wrap(elfBytes), "BPF object '" + name + "'");
            } catch (MalformedFileException e) {
                throw new PkttraceException(e.getMessage(), "rebuild the plugin with the pkttrace probe SDK (clang -g puts BTF in the object)");
            }
        }
        return btf;
    }

    private Pointer program(String program) throws PkttraceException {
        Pointer p = bpf.bpf_object__find_program_by_name(live(), program);
        if (p == null) {
            throw new PkttraceException("BPF object '" + name + "' has no program '" + program + "'",
                    "this is a bug in the plugin that asked for it");
        }
        return p;
    }

    private Pointer map(String map) throws PkttraceException {
        Pointer m = bpf.bpf_object__find_map_by_name(live(), map);
        if (m == null) {
            throw new PkttraceException("BPF object '" + name + "' has no map '" + map + "'",
                    "this is a bug in the plugin that asked for it");
        }
        return m;
    }

    private Pointer live() {
        if (obj == null) {
            throw new IllegalStateException("BPF object '" + name + "' is closed");
        }
        return obj;
    }

    @Override
    public void setAutoload(String program, boolean autoload) throws PkttraceException {
        bpf.bpf_program__set_autoload(program(program), autoload);
    }

    /** Sets a map's size; only before {@link #load()}. */
    public void setMaxEntries(String map, int entries) throws PkttraceException {
        if (bpf.bpf_map__set_max_entries(map(map), entries) != 0) {
            throw new PkttraceException("cannot size map '" + map + "' of '" + name + "' to " + entries, null);
        }
    }

    @Override
    public void load() throws PkttraceException {
        // Each program gets a log buffer; libbpf fills it (log level 1) only when the verifier rejects.
        for (Pointer p = bpf.bpf_object__next_program(live(), null); p != null;
             p = bpf.bpf_object__next_program(obj, p)) {
            Pointer buf = n.allocate(LOG_BUF_SIZE);
            buf.putByte(0, (byte) 0);
            bpf.bpf_program__set_log_buf(p, buf, LOG_BUF_SIZE);
            logBuffers.put(bpf.bpf_program__name(p), buf);
        }
        n.takeRecentWarnings();
        int rc = bpf.bpf_object__load(obj);
        if (rc != 0) {
            int err = -rc;
            if (err == 1 /* EPERM */ || err == 13 /* EACCES */ && !hasVerifierLog()) {
                throw new PkttraceException("loading BPF programs was refused (" + n.strerror(err) + ")",
                        "run pkttrace as root (it needs CAP_BPF and CAP_PERFMON)");
            }
            for (Map.Entry<String, Pointer> e : logBuffers.entrySet()) {
                String log = e.getValue().getString(0);
                if (!log.isBlank()) {
                    throw new PkttraceException("the kernel verifier rejected BPF program '" + e.getKey()
                            + "' of '" + name + "' (" + n.strerror(err) + "); verifier log (end):\n"
                            + tail(log, LOG_TAIL_LINES), null);
                }
            }
            throw new PkttraceException("BPF object '" + name + "' could not be loaded (" + n.strerror(err) + ")",
                    libbpfSaid(n, "check that the kernel has BTF and supports the program types used"));
        }
        loaded = true;
        logBuffers.clear(); // release 1 MiB per program
    }

    private boolean hasVerifierLog() {
        return logBuffers.values().stream().anyMatch(b -> !b.getString(0).isBlank());
    }

    @Override
    public Attachment attach(String program) throws PkttraceException {
        Pointer p = program(program);
        String section = bpf.bpf_program__section_name(p);
        if (section.startsWith("tracepoint/") || section.startsWith("tp/")) {
            if (KernelFeatures.ensureTracefs()) {
                LOG.info("mounted tracefs at /sys/kernel/tracing for classic tracepoints");
            }
        }
        n.takeRecentWarnings();
        Pointer link = bpf.bpf_program__attach(p);
        int slash = section.indexOf('/');
        String mechanism = slash < 0 ? section : section.substring(0, slash);
        String target = slash < 0 ? "" : section.substring(slash + 1);
        if (link == null) {
            int err = n.errno();
            throw new PkttraceException("cannot attach '" + program + "' to " + section + " (" + n.strerror(err) + ")",
                    libbpfSaid(n, "the kernel may lack this hook"));
        }
        return linked(link, new Attachment(program, mechanism, target));
    }

    @Override
    public Attachment attachKprobe(String program, String function, boolean onReturn) throws PkttraceException {
        KernelFeatures.requireKprobes();
        n.takeRecentWarnings();
        Pointer link = bpf.bpf_program__attach_kprobe(program(program), onReturn, function);
        if (link == null) {
            int err = n.errno();
            throw new PkttraceException("cannot attach a " + (onReturn ? "kretprobe" : "kprobe") + " to kernel function '"
                    + function + "' (" + n.strerror(err) + ")",
                    libbpfSaid(n, "check the name in /proc/kallsyms; static or inlined functions cannot be probed"));
        }
        return linked(link, new Attachment(program, onReturn ? "kretprobe" : "kprobe", function));
    }

    @Override
    public Attachment attachUprobe(String program, String binary, String function, boolean onReturn, int pid)
            throws PkttraceException {
        if (!Files.isRegularFile(Path.of(binary))) {
            throw new PkttraceException("binary '" + binary + "' does not exist", "give the path of the program to trace");
        }
        // struct bpf_uprobe_opts (libbpf 1.1, x86-64): sz, ref_ctr_offset, bpf_cookie, retprobe, func_name
        Pointer opts = n.allocate(40);
        Pointer fn = n.allocate(function.length() + 1);
        fn.putString(0, function, function.length() + 1, java.nio.charset.StandardCharsets.US_ASCII);
        opts.putLong(0, 40);
        opts.putByte(24, (byte) (onReturn ? 1 : 0));
        opts.putPointer(32, fn);
        n.takeRecentWarnings();
        Pointer link = bpf.bpf_program__attach_uprobe_opts(program(program), pid, binary, 0, opts);
        if (link == null) {
            int err = n.errno();
            throw new PkttraceException("cannot attach a " + (onReturn ? "uretprobe" : "uprobe") + " to '" + function
                    + "' in " + binary + " (" + n.strerror(err) + ")",
                    libbpfSaid(n, "check that the binary exports that symbol (nm -D " + binary + ")"));
        }
        return linked(link, new Attachment(program, onReturn ? "uretprobe" : "uprobe", binary + ":" + function));
    }

    private Attachment linked(Pointer link, Attachment a) {
        links.add(link);
        attachments.add(a);
        return a;
    }

    /** Everything attached so far. */
    public List<Attachment> attachments() {
        return List.copyOf(attachments);
    }

    @Override
    public void updateMap(String map, byte[] key, byte[] value) throws PkttraceException {
        Pointer k = n.allocate(key.length);
        k.put(0, key, 0, key.length);
        Pointer v = n.allocate(value.length);
        v.put(0, value, 0, value.length);
        if (bpf.bpf_map_update_elem(bpf.bpf_map__fd(map(map)), k, v, 0) != 0) {
            int err = n.errno();
            throw new PkttraceException("cannot update map '" + map + "' of '" + name + "' (" + n.strerror(err) + ")", null);
        }
    }

    @Override
    public int programFd(String program) throws PkttraceException {
        int fd = bpf.bpf_program__fd(program(program));
        if (fd < 0) {
            throw new PkttraceException("BPF program '" + program + "' of '" + name + "' is not loaded", "load the object first");
        }
        return fd;
    }

    /**
     * Runs a loaded program once on {@code packet} through the kernel's BPF_PROG_TEST_RUN and returns
     * the program's return value (e.g. XDP_PASS / XDP_DROP). Only program types that accept packet
     * data support it (XDP, tc, socket filters); tests use it to check BPF logic against the real
     * verifier and kernel, the tracer never does.
     */
    public int testRun(String program, byte[] packet) throws PkttraceException {
        int fd = programFd(program);
        Pointer data = n.allocate(packet.length);
        data.put(0, packet, 0, packet.length);
        // struct bpf_test_run_opts (libbpf 1.1): size_t sz @0; const void *data_in @8; void *data_out @16;
        // __u32 data_size_in @24, data_size_out @28; ctx_in @32; ctx_out @40; __u32 ctx_size_in @48,
        // ctx_size_out @52, retval @56; int repeat @60; __u32 duration @64, flags @68, cpu @72, batch_size @76.
        Pointer opts = n.allocate(TEST_RUN_OPTS_SIZE); // zeroed: no output buffers, no context
        opts.putLong(0, TEST_RUN_OPTS_SIZE);
        opts.putPointer(8, data);
        opts.putInt(24, packet.length);
        opts.putInt(60, 1);
        int rc = bpf.bpf_prog_test_run_opts(fd, opts);
        if (rc != 0) {
            int err = rc < 0 ? -rc : n.errno();
            throw new PkttraceException("test run of BPF program '" + program + "' of '" + name + "' failed ("
                    + n.strerror(err) + ")", "the program type may not support BPF_PROG_TEST_RUN with packet data");
        }
        return opts.getInt(56);
    }

    @Override
    public boolean hasMap(String map) {
        return bpf.bpf_object__find_map_by_name(live(), map) != null;
    }

    /** File descriptor of a map of the loaded object. */
    public int mapFd(String map) throws PkttraceException {
        return bpf.bpf_map__fd(map(map));
    }

    public int mapMaxEntries(String map) throws PkttraceException {
        return bpf.bpf_map__max_entries(map(map));
    }

    public boolean isLoaded() {
        return loaded;
    }

    @Override
    public void detach() {
        for (int i = links.size() - 1; i >= 0; i--) {
            bpf.bpf_link__destroy(links.get(i));
        }
        links.clear();
    }

    @Override
    public void close() {
        detach();
        if (obj != null) {
            bpf.bpf_object__close(obj);
            obj = null;
        }
        assert elf != null;
    }

    private static String libbpfSaid(NativeBpf n, String fallback) {
        List<String> w = n.takeRecentWarnings();
        if (w.isEmpty()) {
            return fallback;
        }
        return fallback + " (libbpf: " + w.get(w.size() - 1).replace('\n', ' ') + ")";
    }

    private static String tail(String log, int lines) {
        String[] all = log.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }
}
