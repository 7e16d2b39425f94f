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

/**
 * A BPF object opened, loaded and attached through libbpf. Loading is done once, during start;
 * attaching and detaching are synchronized, because probes may attach in namespaces that appear
 * while the run goes on (netfilter links) while the engine detaches everything at the end.
 */
public final class LibbpfObject implements BpfObject {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LibbpfObject.class);
    private static final int LOG_BUF_SIZE = 1 << 20;
    private static final int LOG_TAIL_LINES = 12;
    /** sizeof(struct bpf_test_run_opts) in libbpf 1.1 (x86-64 and other LP64 ABIs). */
    private static final int TEST_RUN_OPTS_SIZE = 80;
    /** sizeof(struct bpf_object_open_opts) up to btf_custom_path, in libbpf 1.1 on LP64. */
    private static final int OPEN_OPTS_SIZE = 56;

    private final NativeBpf n;
    private final LibBpf bpf;
    private final String name;
    private final Pointer elf; // libbpf reads the ELF from here until load completes
    private final byte[] elfBytes;
    private Btf btf;
    /** The btf_custom_path string libbpf keeps a pointer to until load. */
    private Pointer btfPath;
    private Pointer obj;
    private boolean loaded;
    private final Map<String, Pointer> logBuffers = new LinkedHashMap<>();
    private final List<Link> links = new ArrayList<>();
    /** Programs prepared for uprobe.multi links (the kernel has them). */
    private final java.util.Set<String> uprobeMulti = new java.util.HashSet<>();

    /** One attachment: a libbpf link, or the fd of a link made with a raw bpf() call. */
    private record Link(Attachment attachment, Pointer libbpfLink, int fd) {
    }

    /** bpf(2) command and values libbpf 1.1 has no names or wrappers for (UAPI values, checked against BTF by a test). */
    static final int BPF_LINK_CREATE = 28;
    static final int BPF_PROG_TYPE_KPROBE = 2;
    static final int BPF_PROG_TYPE_NETFILTER = 32;
    static final int BPF_NETFILTER = 45;
    static final int BPF_TRACE_UPROBE_MULTI = 48;
    static final int BPF_F_UPROBE_MULTI_RETURN = 1;
    private static final int LINK_CREATE_ATTR_SIZE = 64;

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
        // struct bpf_object_open_opts (libbpf 1.1, LP64): sz @0, object_name @8, relaxed_maps @16,
        // pin_root_path @24, (removed attach_prog_fd) @32, kconfig @40, btf_custom_path @48; we set up to there
        Pointer opts = n.allocate(OPEN_OPTS_SIZE);
        Pointer objName = n.allocate(name.length() + 1);
        objName.putString(0, name, name.length() + 1, java.nio.charset.StandardCharsets.US_ASCII);
        opts.putLong(0, OPEN_OPTS_SIZE);
        opts.putPointer(8, objName);
        // CO-RE relocations against the BTF file the user gave (--btf FILE) instead of the kernel's sysfs BTF
        java.util.Optional<Path> btfFile = io.pkttrace.btf.Btf.givenVmlinux();
        Pointer btfPath = null;
        if (btfFile.isPresent()) {
            byte[] p = btfFile.get().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            btfPath = n.allocate(p.length + 1L);
            btfPath.put(0, p, 0, p.length);
            btfPath.putByte(p.length, (byte) 0);
            opts.putPointer(48, btfPath);
        }
        n.takeRecentWarnings();
        Pointer obj = n.bpf().bpf_object__open_mem(elf, elfBytes.length, opts);
        if (obj == null) {
            int err = n.errno();
            throw new PkttraceException("BPF object '" + name + "' could not be opened (" + n.strerror(err) + ")",
                    libbpfSaid(n, "the plugin's BPF object is damaged or was built for another architecture"));
        }
        LibbpfObject o = new LibbpfObject(n, name, elf, elfBytes, obj);
        o.btfPath = btfPath;
        o.typeProgramsLibbpfDoesNotKnow();
        return o;
    }

    /**
     * libbpf 1.1 knows neither SEC("netfilter") (1.2 does) nor uprobe.multi sections: netfilter
     * programs get their program and attach types here; uprobe.multi programs the kprobe type, and the
     * uprobe.multi attach type where the kernel has it (else they load as classic uprobes).
     */
    private void typeProgramsLibbpfDoesNotKnow() {
        for (Pointer p = bpf.bpf_object__next_program(obj, null); p != null; p = bpf.bpf_object__next_program(obj, p)) {
            String section = bpf.bpf_program__section_name(p);
            if ("netfilter".equals(section)) {
                bpf.bpf_program__set_type(p, BPF_PROG_TYPE_NETFILTER);
                bpf.bpf_program__set_expected_attach_type(p, BPF_NETFILTER);
            } else if ((section.startsWith("uprobe.multi") || section.startsWith("uretprobe.multi")) && bpf.bpf_program__type(p) == 0) {
                bpf.bpf_program__set_type(p, BPF_PROG_TYPE_KPROBE);
                if (KernelFeatures.hasUprobeMulti()) {
                    bpf.bpf_program__set_expected_attach_type(p, BPF_TRACE_UPROBE_MULTI);
                    uprobeMulti.add(bpf.bpf_program__name(p));
                }
            }
        }
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

    /**
     * Sets a 32-bit read-only global (a {@code const volatile} variable) that is alone in its own data
     * section, before {@link #load()}; its place comes from the object's BTF. Returns false when the
     * object does not have it (a probe that does not use it).
     */
    public boolean setReadOnlyGlobal(String section, String variable, int value) throws PkttraceException {
        Btf.SectionVariable v = btf().sectionVariable(section, variable);
        if (v == null) {
            return false;
        }
        if (v.offset() != 0 || v.size() != 4) {
            throw new PkttraceException("BPF object '" + name + "': " + variable + " is not a 32-bit variable alone in "
                    + section, "rebuild the plugin against this pkttrace's probe SDK");
        }
        Pointer buf = n.allocate(4);
        buf.putInt(0, value); // little-endian host, as the object
        if (bpf.bpf_map__set_initial_value(map(section), buf, 4) != 0) {
            throw new PkttraceException("cannot set " + variable + " of '" + name + "'", null);
        }
        return true;
    }

    /**
     * Sets a read-only global that fills its own section ({@code .rodata.NAME}) to these bytes, before load;
     * false when the object has no such variable.
     */
    public boolean setReadOnlyBytes(String section, String variable, byte[] value) throws PkttraceException {
        Btf.SectionVariable v = btf().sectionVariable(section, variable);
        if (v == null) {
            return false;
        }
        if (v.offset() != 0 || v.size() != value.length) {
            throw new PkttraceException("BPF object '" + name + "': " + variable + " is not a " + value.length
                    + "-byte variable alone in " + section, "rebuild the plugin against this pkttrace's probe SDK");
        }
        Pointer buf = n.allocate(value.length);
        buf.put(0, value, 0, value.length);
        if (bpf.bpf_map__set_initial_value(map(section), buf, value.length) != 0) {
            throw new PkttraceException("cannot set " + variable + " of '" + name + "'", null);
        }
        return true;
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
    public synchronized Attachment attach(String program) throws PkttraceException {
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
    public synchronized Attachment attachKprobe(String program, String function, boolean onReturn, long cookie)
            throws PkttraceException {
        KernelFeatures.requireKprobes();
        // struct bpf_kprobe_opts (libbpf 1.1, LP64): sz @0, bpf_cookie @8, offset @16, retprobe @24; 32 bytes
        Pointer opts = n.allocate(32);
        opts.putLong(0, 32);
        opts.putLong(8, cookie);
        opts.putByte(24, (byte) (onReturn ? 1 : 0));
        n.takeRecentWarnings();
        Pointer link = bpf.bpf_program__attach_kprobe_opts(program(program), function, opts);
        if (link == null) {
            int err = n.errno();
            throw new PkttraceException("cannot attach a " + (onReturn ? "kretprobe" : "kprobe") + " to kernel function '"
                    + function + "' (" + n.strerror(err) + ")",
                    libbpfSaid(n, "check the name in /proc/kallsyms; static or inlined functions cannot be probed"));
        }
        return linked(link, new Attachment(program, onReturn ? "kretprobe" : "kprobe", function));
    }

    @Override
    public synchronized Attachment attachKprobeMulti(String program, List<String> functions, long[] cookies, boolean onReturn)
            throws PkttraceException {
        if (functions.isEmpty() || cookies.length != functions.size()) {
            throw new IllegalArgumentException("one cookie per function, at least one function");
        }
        int cnt = functions.size();
        List<Pointer> keep = new ArrayList<>(); // the strings must live until the call returns
        Pointer syms = n.allocate(8L * cnt);
        Pointer cks = n.allocate(8L * cnt);
        for (int i = 0; i < cnt; i++) {
            String f = functions.get(i);
            Pointer str = n.allocate(f.length() + 1);
            str.putString(0, f, f.length() + 1, java.nio.charset.StandardCharsets.US_ASCII);
            keep.add(str);
            syms.putPointer(8L * i, str);
            cks.putLong(8L * i, cookies[i]);
        }
        // struct bpf_kprobe_multi_opts (libbpf 1.1, LP64): sz @0, syms @8, addrs @16, cookies @24, cnt @32,
        // retprobe @40; 48 bytes
        Pointer opts = n.allocate(48);
        opts.putLong(0, 48);
        opts.putPointer(8, syms);
        opts.putPointer(24, cks);
        opts.putLong(32, cnt);
        opts.putByte(40, (byte) (onReturn ? 1 : 0));
        n.takeRecentWarnings();
        Pointer link = bpf.bpf_program__attach_kprobe_multi_opts(program(program), null, opts);
        String mechanism = onReturn ? "kretprobe.multi" : "kprobe.multi";
        if (link == null) {
            int err = n.errno();
            if (err == 95 /* EOPNOTSUPP */) {
                throw new PkttraceException("this kernel has no kprobe.multi (built without CONFIG_FPROBE)",
                        "attach kprobes one by one");
            }
            throw new PkttraceException("cannot attach " + mechanism + " to " + cnt + " kernel functions ("
                    + n.strerror(err) + ")", libbpfSaid(n, "check the names in /proc/kallsyms"));
        }
        assert keep.size() == cnt;
        return linked(link, new Attachment(program, mechanism, String.join(",", functions)));
    }

    @Override
    public void setAttachTarget(String program, String function) throws PkttraceException {
        n.takeRecentWarnings();
        if (bpf.bpf_program__set_attach_target(program(program), 0, function) != 0) {
            int err = n.errno();
            throw new PkttraceException("cannot target kernel function '" + function + "' with '" + program + "' ("
                    + n.strerror(err) + ")", libbpfSaid(n, "the function needs BTF (vmlinux or its module's)"));
        }
    }

    @Override
    public synchronized Attachment attachTracing(String program, long cookie) throws PkttraceException {
        Pointer p = program(program);
        // struct bpf_trace_opts (libbpf 1.1): sz @0, cookie @8; 16 bytes
        Pointer opts = n.allocate(16);
        opts.putLong(0, 16);
        opts.putLong(8, cookie);
        n.takeRecentWarnings();
        Pointer link = bpf.bpf_program__attach_trace_opts(p, opts);
        String section = bpf.bpf_program__section_name(p);
        String mechanism = section.startsWith("fexit") ? "fexit" : section.startsWith("fentry") ? "fentry" : section;
        if (link == null) {
            int err = n.errno();
            throw new PkttraceException("cannot attach " + mechanism + " program '" + program + "' (" + n.strerror(err) + ")",
                    libbpfSaid(n, "the kernel may not allow BPF trampolines"));
        }
        return linked(link, new Attachment(program, mechanism, ""));
    }

    @Override
    public synchronized Attachment attachUprobe(String program, String binary, String function, boolean onReturn, int pid)
            throws PkttraceException {
        return uprobe(program, binary, 0, function, function, onReturn, pid, 0);
    }

    @Override
    public synchronized Attachment attachUprobe(String program, String binary, long fileOffset, String label,
                                                boolean onReturn, int pid, long cookie) throws PkttraceException {
        return uprobe(program, binary, fileOffset, null, label, onReturn, pid, cookie);
    }

    /** {@code function} non-null: libbpf finds it by name; null: at {@code offset} in the file. */
    private Attachment uprobe(String program, String binary, long offset, String function, String label,
                              boolean onReturn, int pid, long cookie) throws PkttraceException {
        if (!Files.isRegularFile(Path.of(binary))) {
            throw new PkttraceException("binary '" + binary + "' does not exist", "give the path of the program to trace");
        }
        // struct bpf_uprobe_opts (libbpf 1.1, x86-64): sz, ref_ctr_offset, bpf_cookie, retprobe, func_name
        Pointer opts = n.allocate(40);
        opts.putLong(0, 40);
        opts.putLong(16, cookie);
        opts.putByte(24, (byte) (onReturn ? 1 : 0));
        if (function != null) {
            Pointer fn = n.allocate(function.length() + 1);
            fn.putString(0, function, function.length() + 1, java.nio.charset.StandardCharsets.US_ASCII);
            opts.putPointer(32, fn);
        }
        n.takeRecentWarnings();
        Pointer link = bpf.bpf_program__attach_uprobe_opts(program(program), pid, binary, offset, opts);
        if (link == null) {
            int err = n.errno();
            throw new PkttraceException("cannot attach a " + (onReturn ? "uretprobe" : "uprobe") + " to '" + label
                    + "' in " + binary + " (" + n.strerror(err) + ")",
                    libbpfSaid(n, function != null ? "check that the binary exports that symbol (nm -D " + binary + ")"
                            : "check that the binary was not replaced while pkttrace started"));
        }
        return linked(link, new Attachment(program, onReturn ? "uretprobe" : "uprobe", binary + ":" + label));
    }

    @Override
    public void shareMap(String map, BpfObject owner) throws PkttraceException {
        if (!(owner instanceof LibbpfObject o) || !o.isLoaded()) {
            throw new IllegalArgumentException("shareMap needs a loaded LibbpfObject as owner");
        }
        if (bpf.bpf_map__reuse_fd(map(map), o.mapFd(map)) != 0) {
            int err = n.errno();
            throw new PkttraceException("cannot share map '" + map + "' of '" + o.name() + "' with '" + name + "' ("
                    + n.strerror(err) + ")", "the two objects must declare the map identically");
        }
    }

    @Override
    public long[] perCpuCounters(String map, int count) throws PkttraceException {
        return PerCpuCounters.read(n, mapFd(map), count);
    }

    @Override
    public synchronized Attachment attachUprobeMulti(String program, String binary, long[] fileOffsets, long[] cookies,
                                                     boolean onReturn, int pid) throws PkttraceException {
        if (!uprobeMulti.contains(program)) {
            program(program); // an unknown program is named as such
            throw new PkttraceException("this kernel has no uprobe.multi links (Linux 6.6 and later)",
                    "attach the program as classic uprobes");
        }
        int progFd = programFd(program);
        if (fileOffsets.length == 0 || cookies.length != fileOffsets.length) {
            throw new IllegalArgumentException("one cookie per offset, at least one offset");
        }
        int cnt = fileOffsets.length;
        Pointer path = n.allocate(binary.length() * 4L + 1);
        path.putString(0, binary, binary.length() * 4 + 1, java.nio.charset.StandardCharsets.UTF_8);
        Pointer offs = n.allocate(8L * cnt);
        Pointer cks = n.allocate(8L * cnt);
        for (int i = 0; i < cnt; i++) {
            offs.putLong(8L * i, fileOffsets[i]);
            cks.putLong(8L * i, cookies[i]);
        }
        // link_create.uprobe_multi { path @16, offsets @24, ref_ctr_offsets @32, cookies @40, cnt @48, flags @52, pid @56 }
        Pointer attr = linkCreateAttr(progFd, BPF_TRACE_UPROBE_MULTI);
        attr.putPointer(16, path);
        attr.putPointer(24, offs);
        attr.putPointer(40, cks);
        attr.putInt(48, cnt);
        attr.putInt(52, onReturn ? BPF_F_UPROBE_MULTI_RETURN : 0);
        attr.putInt(56, Math.max(pid, 0)); // 0: every process running the binary
        long fd = n.libc().syscall(sysBpf(), BPF_LINK_CREATE, attr, LINK_CREATE_ATTR_SIZE);
        String mechanism = onReturn ? "uretprobe.multi" : "uprobe.multi";
        if (fd < 0) {
            int err = n.errno();
            throw new PkttraceException("cannot attach " + mechanism + " to " + cnt + " places in " + binary + " ("
                    + n.strerror(err) + ")", err == 3 /* ESRCH */ ? "the process does not exist any more"
                    : "check that the binary was not replaced while pkttrace started");
        }
        return linkedFd((int) fd, new Attachment(program, mechanism, binary + " (" + cnt + " places)"));
    }

    private static final int EBUSY = 16;
    /** Priorities tried, from the one asked for upwards, when others are taken. */
    static final int NETFILTER_PRIORITY_TRIES = 64;

    @Override
    public synchronized Attachment attachNetfilter(String program, int protocolFamily, int hook, int priority)
            throws PkttraceException {
        if (!"netfilter".equals(bpf.bpf_program__section_name(program(program)))) {
            throw new PkttraceException("BPF program '" + program + "' of '" + name + "' is not a netfilter program",
                    "this is a bug in the plugin that asked for it");
        }
        long fd = -1;
        int err = 0;
        int used = priority;
        // The kernel allows one BPF program per priority at a hook (EBUSY): another tracer, e.g. a
        // concurrent pkttrace, may hold this one; the next free priority above it is as early in practice.
        for (int k = 0; k < NETFILTER_PRIORITY_TRIES && used < Integer.MAX_VALUE; k++, used++) {
            // link_create.netfilter { pf @16, hooknum @20, priority @24, flags @28 }
            Pointer attr = linkCreateAttr(programFd(program), BPF_NETFILTER);
            attr.putInt(16, protocolFamily);
            attr.putInt(20, hook);
            attr.putInt(24, used);
            fd = n.libc().syscall(sysBpf(), BPF_LINK_CREATE, attr, LINK_CREATE_ATTR_SIZE);
            err = fd < 0 ? n.errno() : 0;
            if (err != EBUSY) {
                break;
            }
        }
        String target = "pf" + protocolFamily + "/hook" + hook + "/priority" + used + "/netns" + currentNetns();
        if (fd < 0) {
            String hint = switch (err) {
                case 1, 13 -> "run pkttrace as root (it needs CAP_BPF and CAP_NET_ADMIN)";
                case 34 -> "priorities INT_MIN and INT_MAX are reserved by the kernel";
                case EBUSY -> "other BPF netfilter programs hold priorities " + priority + " to " + (used - 1)
                        + " at this hook: stop some of them (bpftool link list)";
                default -> "BPF netfilter links need Linux 6.4 or newer with CONFIG_NETFILTER_BPF_LINK";
            };
            throw new PkttraceException("cannot attach netfilter program '" + program + "' (" + target + "): "
                    + n.strerror(err), hint);
        }
        return linkedFd((int) fd, new Attachment(program, "netfilter", target));
    }

    /**
     * A zeroed {@code union bpf_attr} for BPF_LINK_CREATE (prog_fd @0, target_fd @4, attach_type @8,
     * flags @12, then the link type's fields from @16), for links libbpf 1.1 cannot make.
     */
    private Pointer linkCreateAttr(int progFd, int attachType) {
        Pointer attr = n.allocate(LINK_CREATE_ATTR_SIZE);
        attr.putInt(0, progFd);
        attr.putInt(8, attachType);
        return attr;
    }

    static long sysBpf() {
        return switch (System.getProperty("os.arch")) {
            case "aarch64", "riscv64" -> 280;
            default -> 321; // x86-64
        };
    }

    /** Inode of the calling thread's network namespace, or 0 if unreadable. */
    private static long currentNetns() {
        try {
            Object ino = Files.readAttributes(Path.of("/proc/thread-self/ns/net"), "unix:ino").get("ino");
            return ino instanceof Number num ? num.longValue() : 0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private Attachment linked(Pointer link, Attachment a) {
        links.add(new Link(a, link, -1));
        return a;
    }

    private Attachment linkedFd(int fd, Attachment a) {
        links.add(new Link(a, null, fd));
        return a;
    }

    /** Everything attached so far. */
    public synchronized List<Attachment> attachments() {
        return links.stream().map(Link::attachment).toList();
    }

    /** Destroyed outside the lock: a netfilter link's release waits for an RCU grace period, which callers may overlap. */
    @Override
    public void detach(Attachment attachment) {
        Link found = null;
        synchronized (this) {
            for (int i = links.size() - 1; i >= 0 && found == null; i--) {
                if (links.get(i).attachment().equals(attachment)) {
                    found = links.remove(i);
                }
            }
        }
        if (found != null) {
            destroy(found);
        }
    }

    private void destroy(Link l) {
        if (l.libbpfLink() != null) {
            bpf.bpf_link__destroy(l.libbpfLink());
        } else {
            n.libc().close(l.fd());
        }
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
    public synchronized void detach() {
        for (int i = links.size() - 1; i >= 0; i--) {
            destroy(links.get(i));
        }
        links.clear();
    }

    @Override
    public synchronized void close() {
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
