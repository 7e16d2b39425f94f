package io.pkttrace.btf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BTF type information (the format of include/uapi/linux/btf.h): of the kernel
 * ({@code /sys/kernel/btf/vmlinux}), of a module (split BTF on top of vmlinux), of a BPF object or a
 * program ({@code .BTF} section, e.g. added by {@code pahole -J}), or a raw file.
 *
 * <p>Types are addressed by id (0 is void). Records are decoded on demand from the buffer; only an
 * index of record offsets is built up front. Every offset is checked, so a hostile or truncated file
 * fails with {@link MalformedFileException} instead of reading garbage.
 */
public final class Btf {
    private static final int MAGIC = 0xEB9F;
    private static final int HEADER_MIN = 24;
    private static final int TYPE_RECORD = 12;
    private static final int MAX_DEPTH = 64; // modifier and pointer chains longer than this are loops

    private final ByteBuffer types;
    private final ByteBuffer strings;
    private final Btf base;
    private final int firstId;
    private final int stringBase;
    private final int[] offsets;
    private Map<String, int[]> byName;
    /** Lookups answered by a scan so far: the name index is built only for a BTF that is asked often. */
    private int scans;
    /** A scan compares bytes and allocates nothing; the index costs a String per named type (~0.3 s for vmlinux). */
    private static final int SCANS_BEFORE_INDEX = 16;

    private Btf(ByteBuffer types, ByteBuffer strings, Btf base, int[] offsets) {
        this.types = types;
        this.strings = strings;
        this.base = base;
        this.firstId = base == null ? 1 : base.typeCount();
        this.stringBase = base == null ? 0 : base.stringBase + base.strings.limit();
        this.offsets = offsets;
    }

    /** A struct or union member; {@code bitSize} is 0 unless it is a bitfield. */
    public record Member(String name, int type, int bitOffset, int bitSize) {
        public int byteOffset() {
            return bitOffset / 8;
        }
    }

    /** A function parameter. */
    public record Param(String name, int type) {
    }

    /** An enumerator. */
    public record EnumValue(String name, long value) {
    }

    /** Parses raw BTF (starting with its header). */
    public static Btf parse(ByteBuffer data) throws MalformedFileException {
        return parse(data, null);
    }

    /** Parses split BTF (a module's) whose ids and strings continue those of {@code base} (vmlinux). */
    public static Btf parse(ByteBuffer data, Btf base) throws MalformedFileException {
        ByteBuffer b = data.slice();
        if (b.remaining() < HEADER_MIN) {
            throw new MalformedFileException("not BTF: " + b.remaining() + " bytes, shorter than a BTF header");
        }
        b.order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getShort(0) & 0xffff;
        if (magic != MAGIC) {
            b.order(ByteOrder.BIG_ENDIAN);
            if ((b.getShort(0) & 0xffff) != MAGIC) {
                throw new MalformedFileException("not BTF: bad magic 0x" + Integer.toHexString(magic));
            }
        }
        if (b.get(2) != 1) {
            throw new MalformedFileException("unsupported BTF version " + b.get(2));
        }
        long hdrLen = b.getInt(4) & 0xffffffffL;
        long typeOff = b.getInt(8) & 0xffffffffL;
        long typeLen = b.getInt(12) & 0xffffffffL;
        long strOff = b.getInt(16) & 0xffffffffL;
        long strLen = b.getInt(20) & 0xffffffffL;
        if (hdrLen < HEADER_MIN || hdrLen + typeOff + typeLen > b.limit() || hdrLen + strOff + strLen > b.limit()) {
            throw new MalformedFileException("BTF header points outside the data (" + b.limit() + " bytes)");
        }
        ByteBuffer types = slice(b, (int) (hdrLen + typeOff), (int) typeLen);
        ByteBuffer strings = slice(b, (int) (hdrLen + strOff), (int) strLen);
        if (base == null && (strLen == 0 || strings.get(0) != 0)) {
            throw new MalformedFileException("BTF string section does not start with the empty string");
        }
        return new Btf(types, strings, base, index(types));
    }

    /** Reads a raw BTF file, or the {@code .BTF} section of an ELF file. */
    public static Btf read(Path file) throws IOException {
        return read(file, null);
    }

    /** Like {@link #read(Path)}, as split BTF on top of {@code base}. */
    public static Btf read(Path file, Btf base) throws IOException {
        ByteBuffer data = FileBytes.map(file);
        if (ElfFile.isElf(data)) {
            ByteBuffer section = ElfFile.of(data, file.toString()).section(".BTF")
                    .orElseThrow(() -> new MalformedFileException(file + " is an ELF file without a .BTF section"));
            return parse(section, base);
        }
        return parse(data, base);
    }

    /** The {@code .BTF} section of an ELF file in memory, e.g. a compiled BPF object. */
    public static Btf fromElf(ByteBuffer elf, String origin) throws MalformedFileException {
        ByteBuffer section = ElfFile.of(elf, origin).section(".BTF")
                .orElseThrow(() -> new MalformedFileException(origin + " is an ELF file without a .BTF section"));
        return parse(section);
    }

    /** Where the kernel exposes its BTF; a system property so that tests can point pkttrace away from sysfs. */
    public static final String SYSFS_PROPERTY = "pkttrace.btf";
    /** A BTF file of the running kernel to use instead of sysfs's (pkttrace's global {@code --btf FILE}). */
    public static final String FILE_PROPERTY = "pkttrace.btf.file";

    /** The kernel's own BTF file in sysfs ({@code /sys/kernel/btf/vmlinux}); it may not exist. */
    public static Path sysfsVmlinux() {
        return Path.of(System.getProperty(SYSFS_PROPERTY, "/sys/kernel/btf/vmlinux"));
    }

    /** The BTF file the user gave for the running kernel ({@code --btf FILE}), if any. */
    public static java.util.Optional<Path> givenVmlinux() {
        String f = System.getProperty(FILE_PROPERTY);
        return f == null || f.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(f));
    }

    /** Where every read of the running kernel's types goes: the given file, else sysfs's. */
    public static Path vmlinuxPath() {
        return givenVmlinux().orElseGet(Btf::sysfsVmlinux);
    }

    /** The kernel's BTF by path, parsed once per process: every probe, check and enricher asks for it at start. */
    private static final Map<Path, Btf> KERNEL = new HashMap<>();

    /**
     * The running kernel's BTF (from {@link #vmlinuxPath()}), read and indexed once per process (5.5 MB here,
     * ~0.1 s each time): the kernel's file cannot change while it runs, and a {@code --btf} file is read once
     * as the user gave it. A thread that asks while another reads it waits for that read.
     */
    public static Btf vmlinux() throws IOException {
        return kernel(vmlinuxPath());
    }

    /**
     * The kernel's own BTF in sysfs (whose type ids programs attach to), read once per process: the same
     * parse as {@link #vmlinux()} unless the user gave another file.
     */
    public static Btf sysfs() throws IOException {
        return kernel(sysfsVmlinux());
    }

    private static Btf kernel(Path path) throws IOException {
        synchronized (KERNEL) {
            Btf b = KERNEL.get(path);
            if (b == null) {
                b = read(path);
                KERNEL.put(path, b);
            }
            return b;
        }
    }

    private static ByteBuffer slice(ByteBuffer b, int offset, int length) {
        return b.slice(offset, length).order(b.order());
    }

    private static int[] index(ByteBuffer t) throws MalformedFileException {
        int[] out = new int[Math.max(16, t.limit() / 24)]; // vmlinux: ~25 bytes per type
        int n = 0;
        int pos = 0;
        int end = t.limit();
        while (pos < end) {
            if (pos + TYPE_RECORD > end) {
                throw new MalformedFileException("BTF type section ends inside a type record");
            }
            int info = t.getInt(pos + 4);
            BtfKind kind = BtfKind.of((info >>> 24) & 0x1f);
            if (kind == null || kind == BtfKind.VOID) {
                throw new MalformedFileException("unknown BTF kind " + ((info >>> 24) & 0x1f) + " at type offset " + pos);
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = pos;
            pos += TYPE_RECORD + extraBytes(kind, info & 0xffff);
        }
        if (pos != end) {
            throw new MalformedFileException("BTF type section ends inside a type record");
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static int extraBytes(BtfKind kind, int vlen) {
        return switch (kind) {
            case INT, VAR, DECL_TAG -> 4;
            case ARRAY -> 12;
            case STRUCT, UNION, DATASEC, ENUM64 -> 12 * vlen;
            case ENUM, FUNC_PROTO -> 8 * vlen;
            default -> 0;
        };
    }

    /** Number of type ids, void included: valid ids are 0 .. typeCount() - 1 (base types included). */
    public int typeCount() {
        return firstId + offsets.length;
    }

    /** The first id of this BTF's own types (1, or the base's count for split BTF). */
    public int firstOwnId() {
        return firstId;
    }

    private int record(int id) {
        if (id < firstId || id >= typeCount()) {
            throw new IllegalArgumentException("BTF type id " + id + " is not in " + firstId + ".." + (typeCount() - 1));
        }
        return offsets[id - firstId];
    }

    /** True for an id of the base BTF; fails for void and ids out of range. */
    private boolean inBase(int id) {
        checkId(id);
        if (id == 0) {
            throw new IllegalArgumentException("BTF type 0 is void");
        }
        return id < firstId;
    }

    private void checkId(int id) {
        if (id < 0 || id >= typeCount()) {
            throw new IllegalArgumentException("no BTF type " + id);
        }
    }

    public BtfKind kind(int id) {
        checkId(id);
        if (id == 0) {
            return BtfKind.VOID;
        }
        if (id < firstId) {
            return base.kind(id);
        }
        return BtfKind.of((types.getInt(record(id) + 4) >>> 24) & 0x1f);
    }

    private int info(int id) {
        return types.getInt(record(id) + 4);
    }

    /** The type's name, "" when anonymous. */
    public String name(int id) {
        checkId(id);
        if (id == 0) {
            return "void";
        }
        if (id < firstId) {
            return base.name(id);
        }
        return string(types.getInt(record(id)));
    }

    private String string(int offset) {
        if (offset < stringBase) {
            return base.string(offset);
        }
        int start = offset - stringBase;
        int lim = strings.limit();
        if (start < 0 || start >= lim) {
            throw new IllegalArgumentException("BTF string offset " + offset + " outside the string section");
        }
        int end = start;
        while (end < lim && strings.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        strings.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int vlen(int id) {
        return info(id) & 0xffff;
    }

    private boolean kindFlag(int id) {
        return (info(id) >>> 31) != 0;
    }

    /** The size/type word: a size for INT, STRUCT, UNION, ENUM, FLOAT, DATASEC; a type id for the others. */
    private int sizeOrType(int id) {
        return types.getInt(record(id) + 8);
    }

    /** For PTR, ARRAY (element), modifiers, FUNC (its prototype), FUNC_PROTO (return), VAR: the type it refers to. */
    public int referenced(int id) {
        if (inBase(id)) {
            return base.referenced(id);
        }
        BtfKind k = kind(id);
        if (k == BtfKind.ARRAY) {
            return types.getInt(record(id) + TYPE_RECORD);
        }
        if (k == BtfKind.PTR || k.isModifier() || k == BtfKind.FUNC || k == BtfKind.FUNC_PROTO || k == BtfKind.VAR) {
            return sizeOrType(id);
        }
        throw new IllegalArgumentException("BTF type " + id + " (" + k + ") refers to no other type");
    }

    /** Skips typedef, const, volatile, restrict and type tags. */
    public int skipModifiers(int id) {
        int t = id;
        for (int depth = 0; kind(t).isModifier(); depth++) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("BTF type " + id + " is a loop of modifiers");
            }
            t = referenced(t);
        }
        return t;
    }

    /** Size in bytes of a type (modifiers skipped; pointers 8). */
    public long sizeOf(int id) {
        int t = skipModifiers(id);
        if (t != 0 && inBase(t)) {
            return base.sizeOf(t);
        }
        BtfKind k = kind(t);
        return switch (k) {
            case INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC -> sizeOrType(t) & 0xffffffffL;
            case PTR -> 8;
            case ARRAY -> sizeOf(referenced(t)) * (types.getInt(record(t) + TYPE_RECORD + 8) & 0xffffffffL);
            default -> throw new IllegalArgumentException("BTF type " + id + " (" + k + ") has no size");
        };
    }

    /**
     * True for a signed integer (an INT whose encoding has BTF_INT_SIGNED) or an enum whose kind
     * flag says its values are signed; modifiers are skipped.
     */
    public boolean isSigned(int id) {
        int t = skipModifiers(id);
        if (t != 0 && inBase(t)) {
            return base.isSigned(t);
        }
        BtfKind k = kind(t);
        if (k == BtfKind.INT) {
            return ((types.getInt(record(t) + TYPE_RECORD) >>> 24) & 1) != 0;
        }
        return (k == BtfKind.ENUM || k == BtfKind.ENUM64) && kindFlag(t);
    }

    /** Members of a struct or union, in declaration order. */
    public List<Member> members(int id) {
        if (inBase(id)) {
            return base.members(id);
        }
        BtfKind k = kind(id);
        if (k != BtfKind.STRUCT && k != BtfKind.UNION) {
            throw new IllegalArgumentException("BTF type " + id + " is " + k + ", not a struct or union");
        }
        boolean bitfields = kindFlag(id);
        int at = record(id) + TYPE_RECORD;
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < vlen(id); i++, at += 12) {
            int off = types.getInt(at + 8);
            int bitOffset = bitfields ? off & 0xffffff : off;
            int bitSize = bitfields ? off >>> 24 : 0;
            out.add(new Member(string(types.getInt(at)), types.getInt(at + 4), bitOffset, bitSize));
        }
        return out;
    }

    /**
     * A named member of a struct or union, found through anonymous members as C (and libbpf's CO-RE)
     * find it, with its bit offset from the start of {@code id}; null if there is none.
     */
    public Member member(int id, String name) {
        java.util.ArrayDeque<int[]> todo = new java.util.ArrayDeque<>(); // {composite, its bit offset}
        todo.add(new int[] {id, 0});
        while (!todo.isEmpty()) {
            int[] c = todo.poll();
            for (Member m : members(c[0])) {
                if (m.name().equals(name)) {
                    return new Member(m.name(), m.type(), c[1] + m.bitOffset(), m.bitSize());
                }
                int t = skipModifiers(m.type());
                BtfKind k = kind(t);
                if (m.name().isEmpty() && (k == BtfKind.STRUCT || k == BtfKind.UNION)) {
                    todo.add(new int[] {t, c[1] + m.bitOffset()});
                }
            }
        }
        return null;
    }

    /** A global variable's place in its data section: byte offset and size. */
    public record SectionVariable(int offset, int size) {
    }

    /**
     * Where the global variable {@code var} lies in the data section {@code section} (e.g.
     * {@code .rodata}) of a BPF object, or null when the section does not hold it: for Java code that
     * sets a program's read-only globals before load, from the C declaration alone.
     */
    public SectionVariable sectionVariable(String section, String var) {
        for (int sec : findAll(section, BtfKind.DATASEC)) {
            if (sec < firstId) {
                continue;
            }
            int at = record(sec) + TYPE_RECORD;
            for (int i = 0; i < vlen(sec); i++, at += 12) {
                int v = types.getInt(at);
                if (kind(v) == BtfKind.VAR && name(v).equals(var)) {
                    return new SectionVariable(types.getInt(at + 4), types.getInt(at + 8));
                }
            }
        }
        return null;
    }

    /** Parameters of a FUNC_PROTO, or of a FUNC's prototype. */
    public List<Param> params(int id) {
        if (inBase(id)) {
            return base.params(id);
        }
        int proto = kind(id) == BtfKind.FUNC ? referenced(id) : id;
        if (proto < firstId) {
            return base.params(proto);
        }
        if (kind(proto) != BtfKind.FUNC_PROTO) {
            throw new IllegalArgumentException("BTF type " + id + " is not a function");
        }
        int at = record(proto) + TYPE_RECORD;
        List<Param> out = new ArrayList<>();
        for (int i = 0; i < vlen(proto); i++, at += 8) {
            out.add(new Param(string(types.getInt(at)), types.getInt(at + 4)));
        }
        return out;
    }

    /** Return type of a FUNC or FUNC_PROTO (0 for void). */
    public int returnType(int id) {
        int proto = kind(id) == BtfKind.FUNC ? referenced(id) : id;
        if (kind(proto) != BtfKind.FUNC_PROTO) {
            throw new IllegalArgumentException("BTF type " + id + " is not a function");
        }
        return referenced(proto);
    }

    /** Enumerators of an ENUM or ENUM64 (signed values when the kind flag says so). */
    public List<EnumValue> enumValues(int id) {
        if (inBase(id)) {
            return base.enumValues(id);
        }
        BtfKind k = kind(id);
        boolean signed = kindFlag(id);
        int at = record(id) + TYPE_RECORD;
        List<EnumValue> out = new ArrayList<>();
        if (k == BtfKind.ENUM) {
            for (int i = 0; i < vlen(id); i++, at += 8) {
                int v = types.getInt(at + 4);
                out.add(new EnumValue(string(types.getInt(at)), signed ? v : v & 0xffffffffL));
            }
        } else if (k == BtfKind.ENUM64) {
            for (int i = 0; i < vlen(id); i++, at += 12) {
                long v = (types.getInt(at + 4) & 0xffffffffL) | ((long) types.getInt(at + 8) << 32);
                out.add(new EnumValue(string(types.getInt(at)), v));
            }
        } else {
            throw new IllegalArgumentException("BTF type " + id + " is " + k + ", not an enum");
        }
        return out;
    }

    /** Ids of every type of that name and kind (base types first). */
    public List<Integer> findAll(String name, BtfKind kind) {
        List<Integer> out = new ArrayList<>();
        if (base != null) {
            out.addAll(base.findAll(name, kind));
        }
        int[] ids = idsNamed(name);
        if (ids != null) {
            for (int id : ids) {
                if (kind(id) == kind) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    /** The first type of that name and kind, or -1. */
    public int find(String name, BtfKind kind) {
        List<Integer> all = findAll(name, kind);
        return all.isEmpty() ? -1 : all.get(0);
    }

    /** This BTF's own ids of that name, or null: by a scan for the first few lookups, then by the index. */
    private synchronized int[] idsNamed(String name) {
        if (byName != null || ++scans > SCANS_BEFORE_INDEX) {
            return names().get(name);
        }
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        int[] found = new int[4];
        int n = 0;
        for (int id = firstId; id < typeCount(); id++) {
            int offset = types.getInt(record(id));
            boolean match = offset < stringBase ? name.equals(string(offset)) : stringIs(offset - stringBase, want);
            if (match && want.length > 0) {
                if (n == found.length) {
                    found = java.util.Arrays.copyOf(found, n * 2);
                }
                found[n++] = id;
            }
        }
        return n == 0 ? null : java.util.Arrays.copyOf(found, n);
    }

    /** True when the NUL-terminated string at {@code start} of this BTF's string section is {@code want}. */
    private boolean stringIs(int start, byte[] want) {
        int lim = strings.limit();
        if (start < 0 || start + want.length >= lim || strings.get(start + want.length) != 0) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (strings.get(start + i) != want[i]) {
                return false;
            }
        }
        return true;
    }

    private synchronized Map<String, int[]> names() {
        if (byName == null) {
            Map<String, List<Integer>> m = new HashMap<>();
            for (int id = firstId; id < typeCount(); id++) {
                String n = name(id);
                if (!n.isEmpty()) {
                    m.computeIfAbsent(n, x -> new ArrayList<>(1)).add(id);
                }
            }
            Map<String, int[]> frozen = new HashMap<>(m.size() * 2);
            m.forEach((k, v) -> frozen.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
            byName = frozen;
        }
        return byName;
    }

    /** The C spelling of a type, e.g. {@code struct vr_packet *} or {@code unsigned short}. */
    public String typeName(int id) {
        StringBuilder suffix = new StringBuilder();
        int t = id;
        for (int depth = 0; depth <= MAX_DEPTH; depth++) {
            BtfKind k = kind(t);
            switch (k) {
                case PTR -> {
                    suffix.insert(0, "*");
                    t = referenced(t);
                }
                case CONST, VOLATILE, RESTRICT, TYPE_TAG -> t = referenced(t);
                case STRUCT, UNION, ENUM, ENUM64, FWD -> {
                    String tag = k == BtfKind.STRUCT ? "struct " : k == BtfKind.UNION ? "union "
                            : k == BtfKind.FWD ? (kindFlag(t) ? "union " : "struct ") : "enum ";
                    String n = name(t);
                    return tag + (n.isEmpty() ? "(anon)" : n) + (suffix.length() > 0 ? " " + suffix : "");
                }
                case FUNC_PROTO -> {
                    return "function" + (suffix.length() > 0 ? " " + suffix : "");
                }
                default -> {
                    String n = name(t);
                    return (n.isEmpty() ? k.name().toLowerCase() : n) + (suffix.length() > 0 ? " " + suffix : "");
                }
            }
        }
        throw new IllegalArgumentException("BTF type " + id + " is a loop");
    }

    /** Number of pointer levels before a struct: 1 for {@code struct x *}, 2 for {@code struct x **}; with the struct's id. */
    public record PointerTo(int levels, int target) {
    }

    /** How many pointers (modifiers skipped) lead from {@code id} to a non-pointer type, and that type. */
    public PointerTo pointerTo(int id) {
        int levels = 0;
        int t = skipModifiers(id);
        while (kind(t) == BtfKind.PTR) {
            if (++levels > MAX_DEPTH) {
                throw new IllegalArgumentException("BTF type " + id + " is a loop of pointers");
            }
            t = skipModifiers(referenced(t));
        }
        return new PointerTo(levels, t);
    }
}
