package io.pkttrace.sdk;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a minimal CO-RE {@code vmlinux.h} from any kernel BTF and a list of the types, and of each type
 * the members, that BPF programs use ({@code vmlinux.fields}, format in that file). The full header of a
 * kernel is ~3 MB and tied to that kernel; this one is a few kB and the same for every kernel that has
 * the listed fields (CO-RE relocates each member access by name at load time), so it is checked in and
 * the build needs no BTF of its own.
 *
 * <p>Members chosen from a struct are written in the kernel's order without their offsets; whole types
 * ({@code *}) are written at the kernel's offsets, with a size check the compiler enforces.
 */
public final class VmlinuxHeader {
    /** One line of vmlinux.fields: a kind, a name ("" for anonymous enums) and members ("*" = all). */
    record Entry(String kind, String name, List<String> members) {
        boolean whole() {
            return members.equals(List.of("*"));
        }
    }

    private final Btf btf;
    private final String arch;
    private final Map<Integer, Set<String>> chosen = new HashMap<>();
    private final Set<Integer> declared = new HashSet<>();
    private final Set<Integer> defined = new HashSet<>();
    private final Set<Integer> forwards = new LinkedHashSet<>();
    private final StringBuilder body = new StringBuilder();

    private VmlinuxHeader(Btf btf, String arch) {
        this.btf = btf;
        this.arch = arch;
    }

    /** Parses vmlinux.fields. */
    static List<Entry> parse(List<String> lines) throws BuildException {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String[] head = colon < 0 ? new String[0] : line.substring(0, colon).strip().split("\\s+");
            List<String> members = colon < 0 ? List.of() : List.of(line.substring(colon + 1).strip().split("\\s+"));
            if (colon < 0 || head.length == 0 || head.length > 2 || members.get(0).isEmpty()
                    || !List.of("struct", "union", "enum", "typedef").contains(head[0])
                    || (head.length == 1 && !head[0].equals("typedef") && !head[0].equals("enum"))
                    || (head.length == 2 && head[0].equals("typedef"))) {
                throw new BuildException("vmlinux.fields line " + n + ": '" + line
                        + "' is not 'struct|union|enum NAME: MEMBER ...', 'enum: ENUMERATOR ...' or 'typedef: NAME ...'");
            }
            out.add(new Entry(head[0], head.length == 2 ? head[1] : "", members));
        }
        return out;
    }

    /**
     * The header for {@code entries} from {@code btf}.
     *
     * @param arch the kernel architecture of the BTF (x86, arm64, ...): struct pt_regs differs per
     *             architecture, so the header refuses to be compiled for another one
     */
    public static String generate(Btf btf, List<Entry> entries, String arch) throws BuildException {
        VmlinuxHeader h = new VmlinuxHeader(btf, arch);
        List<Integer> roots = new ArrayList<>();
        for (Entry e : entries) { // first every choice, so that a type is written as chosen wherever it is met
            roots.addAll(h.choose(e));
        }
        for (int id : roots) {
            if (h.btf.kind(id) == BtfKind.TYPEDEF) {
                h.declareTypedef(id);
            }
            h.define(id);
        }
        return h.text();
    }

    /** Records what an entry chooses; returns the types it names. */
    private List<Integer> choose(Entry e) throws BuildException {
        List<Integer> ids = new ArrayList<>();
        switch (e.kind()) {
            case "typedef" -> {
                for (String name : e.members()) {
                    ids.add(find(name, BtfKind.TYPEDEF, "typedef " + name));
                }
            }
            case "enum" -> {
                if (e.name().isEmpty()) {
                    for (String value : e.members()) {
                        int id = anonymousEnumWith(value);
                        chosen.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(value);
                        ids.add(id);
                    }
                } else {
                    ids.add(findEnum(e.name()));
                    choose(ids.get(0), e);
                }
            }
            default -> {
                ids.add(find(e.name(), e.kind().equals("struct") ? BtfKind.STRUCT : BtfKind.UNION, e.kind() + " " + e.name()));
                choose(ids.get(0), e);
            }
        }
        return ids;
    }

    private void choose(int id, Entry e) throws BuildException {
        if (e.whole()) {
            return;
        }
        Set<String> names = new LinkedHashSet<>(e.members());
        for (String m : names) {
            if (btf.kind(id) == BtfKind.ENUM || btf.kind(id) == BtfKind.ENUM64) {
                if (btf.enumValues(id).stream().noneMatch(v -> v.name().equals(m))) {
                    throw new BuildException(e.kind() + " " + e.name() + " has no enumerator " + m + " in this BTF");
                }
            } else if (member(id, m) == null) {
                throw new BuildException(e.kind() + " " + e.name() + " has no member '" + m + "' in this BTF");
            }
        }
        chosen.put(id, names);
    }

    private int find(String name, BtfKind kind, String what) throws BuildException {
        int id = btf.find(name, kind);
        if (id < 0) {
            throw new BuildException(what + " is not in this BTF");
        }
        return id;
    }

    private int findEnum(String name) throws BuildException {
        int id = btf.find(name, BtfKind.ENUM);
        return id >= 0 ? id : find(name, BtfKind.ENUM64, "enum " + name);
    }

    private int anonymousEnumWith(String value) throws BuildException {
        for (int id = 1; id < btf.typeCount(); id++) {
            BtfKind k = btf.kind(id);
            if ((k == BtfKind.ENUM || k == BtfKind.ENUM64) && btf.name(id).isEmpty()
                    && btf.enumValues(id).stream().anyMatch(v -> v.name().equals(value))) {
                return id;
            }
        }
        throw new BuildException("no anonymous enum of this BTF has the enumerator " + value);
    }

    private Btf.Member member(int composite, String name) {
        return btf.member(composite, name);
    }

    private boolean isComposite(int id) {
        return btf.kind(id) == BtfKind.STRUCT || btf.kind(id) == BtfKind.UNION;
    }

    /** The members written for a composite: the chosen ones (in the kernel's order) or all of them. */
    private List<Btf.Member> membersOf(int id) {
        Set<String> names = chosen.get(id);
        if (names == null) {
            return btf.members(id);
        }
        List<Btf.Member> out = new ArrayList<>();
        for (String n : names) {
            out.add(member(id, n));
        }
        out.sort((a, b) -> Integer.compare(a.bitOffset(), b.bitOffset()));
        return out;
    }

    // ------------------------------------------------------------------------------------ dependencies

    /** Makes a type usable by value: complete before the text that uses it. */
    private void define(int id) {
        if (id == 0 || defined.contains(id)) {
            return;
        }
        BtfKind k = btf.kind(id);
        switch (k) {
            case CONST, VOLATILE, RESTRICT, TYPE_TAG, ARRAY -> define(btf.referenced(id));
            case PTR -> declarePointee(btf.referenced(id));
            case TYPEDEF -> {
                declareTypedef(id);
                define(btf.referenced(id));
            }
            case STRUCT, UNION -> {
                if (btf.name(id).isEmpty()) {
                    membersOf(id).forEach(m -> define(m.type())); // written inline where used
                } else {
                    defined.add(id);
                    membersOf(id).forEach(m -> define(m.type()));
                    writeComposite(id);
                }
            }
            case ENUM, ENUM64 -> {
                if (!btf.name(id).isEmpty() || chosen.containsKey(id)) {
                    defined.add(id);
                    writeEnum(id);
                }
            }
            case FUNC_PROTO -> {
                declarePointee(btf.returnType(id));
                btf.params(id).forEach(p -> declarePointee(p.type()));
            }
            case FWD -> forwards.add(id);
            default -> {
            }
        }
    }

    /** Makes a type usable behind a pointer: a named struct or union needs only a forward declaration. */
    private void declarePointee(int id) {
        if (id == 0) {
            return;
        }
        BtfKind k = btf.kind(id);
        if ((k == BtfKind.STRUCT || k == BtfKind.UNION || k == BtfKind.FWD) && !btf.name(id).isEmpty()) {
            forwards.add(id);
        } else if (k == BtfKind.TYPEDEF) {
            declareTypedef(id);
        } else if (k == BtfKind.PTR || k.isModifier() || k == BtfKind.ARRAY) {
            declarePointee(btf.referenced(id));
        } else {
            define(id);
        }
    }

    private void declareTypedef(int id) {
        if (!declared.add(id)) {
            return;
        }
        declarePointee(btf.referenced(id));
        int t = btf.skipModifiers(btf.referenced(id));
        if (t != 0 && btf.name(t).isEmpty() && btf.kind(t) != BtfKind.PTR) {
            define(t); // an anonymous struct, union or enum is written inside the typedef
        }
        body.append("typedef ").append(declaration(btf.referenced(id), btf.name(id), 0)).append(";\n\n");
    }

    // ------------------------------------------------------------------------------------------ writing

    private void writeComposite(int id) {
        boolean whole = !chosen.containsKey(id);
        String tag = (btf.kind(id) == BtfKind.STRUCT ? "struct " : "union ") + btf.name(id);
        body.append(tag).append(' ').append(compositeBody(id, 0));
        body.append(";\n");
        if (whole) {
            body.append("_Static_assert(sizeof(").append(tag).append(") == ").append(btf.sizeOf(id))
                    .append(", \"").append(tag).append(": not the layout of the BTF vmlinux.h was made from\");\n");
        }
        body.append('\n');
    }

    /** "{ members }" and, when the kernel's offsets need it, padding members and the packed attribute. */
    private String compositeBody(int id, int depth) {
        boolean whole = !chosen.containsKey(id);
        boolean union = btf.kind(id) == BtfKind.UNION;
        List<Btf.Member> members = membersOf(id);
        boolean packed = whole && !union && needsPacking(members);
        StringBuilder s = new StringBuilder("{\n");
        String indent = "\t".repeat(depth + 1);
        long at = 0; // bits written so far (structs at the kernel's offsets only)
        int pad = 0;
        for (Btf.Member m : members) {
            if (whole && !union) {
                long natural = m.bitSize() != 0 ? at : roundUp(at, packed ? 8 : 8L * alignOf(m.type()));
                if (m.bitOffset() > natural) {
                    long gap = m.bitOffset() - at;
                    s.append(indent).append(gap % 8 == 0 && m.bitSize() == 0
                            ? "char __pad" + pad++ + "[" + gap / 8 + "];\n"
                            : "unsigned int : " + gap + ";\n");
                }
                at = m.bitOffset() + (m.bitSize() != 0 ? m.bitSize() : 8L * btf.sizeOf(m.type()));
            }
            s.append(indent).append(declaration(m.type(), m.name(), depth + 1));
            if (m.bitSize() != 0) {
                s.append(": ").append(m.bitSize());
            }
            s.append(";\n");
        }
        if (whole && !union && 8L * btf.sizeOf(id) > roundUp(at, packed ? 8 : 8L * alignOf(id))) {
            s.append(indent).append("char __pad").append(pad).append('[').append(btf.sizeOf(id) - (at + 7) / 8).append("];\n");
        }
        s.append("\t".repeat(depth)).append('}');
        if (packed) {
            s.append(" __attribute__((packed))");
        }
        return s.toString();
    }

    private boolean needsPacking(List<Btf.Member> members) {
        long at = 0;
        for (Btf.Member m : members) {
            if (m.bitSize() == 0) {
                if (m.bitOffset() % (8L * alignOf(m.type())) != 0) {
                    return true;
                }
                at = m.bitOffset() + 8L * btf.sizeOf(m.type());
            } else {
                at = m.bitOffset() + m.bitSize();
            }
        }
        return false;
    }

    private static long roundUp(long v, long to) {
        return (v + to - 1) / to * to;
    }

    private long alignOf(int id) {
        int t = btf.skipModifiers(id);
        return switch (btf.kind(t)) {
            case ARRAY -> alignOf(btf.referenced(t));
            case STRUCT, UNION -> {
                long a = 1;
                for (Btf.Member m : btf.members(t)) {
                    a = Math.max(a, alignOf(m.type()));
                }
                yield a;
            }
            case PTR -> 8;
            default -> Math.max(1, Math.min(8, btf.sizeOf(t)));
        };
    }

    private void writeEnum(int id) {
        Set<String> names = chosen.get(id);
        String name = btf.name(id);
        body.append(name.isEmpty() ? "enum" : "enum " + name).append(" {\n");
        for (Btf.EnumValue v : btf.enumValues(id)) {
            if (names == null || names.contains(v.name())) {
                body.append('\t').append(v.name()).append(" = ").append(literal(v.value())).append(",\n");
            }
        }
        body.append("};\n\n");
    }

    private static String literal(long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return Long.toString(v);
        }
        return v < 0 ? v + "LL" : Long.toUnsignedString(v) + "ULL";
    }

    /** The C declaration of {@code name} with type {@code id}, e.g. {@code char name[16]} or {@code int (*f)(void *)}. */
    private String declaration(int id, String name, int depth) {
        String inner = name;
        int t = id;
        while (true) {
            BtfKind k = btf.kind(t);
            switch (k) {
                case PTR -> {
                    int to = btf.referenced(t);
                    BtfKind tk = btf.kind(btf.skipModifiers(to));
                    inner = "*" + inner;
                    if (tk == BtfKind.ARRAY || tk == BtfKind.FUNC_PROTO) {
                        inner = "(" + inner + ")";
                    }
                    t = to;
                }
                case ARRAY -> {
                    inner = inner + "[" + arrayLength(t) + "]";
                    t = btf.referenced(t);
                }
                case CONST, VOLATILE, RESTRICT -> {
                    String q = k.name().toLowerCase();
                    int to = btf.referenced(t);
                    if (btf.kind(to) == BtfKind.PTR) {
                        inner = q + " " + inner;
                        t = to;
                    } else {
                        return q + " " + declaration(to, inner, depth);
                    }
                }
                case TYPE_TAG -> t = btf.referenced(t);
                case FUNC_PROTO -> {
                    List<String> params = new ArrayList<>();
                    for (Btf.Param p : btf.params(t)) {
                        params.add(p.type() == 0 ? "..." : declaration(p.type(), "", depth));
                    }
                    String ps = params.isEmpty() ? "void" : String.join(", ", params);
                    return declaration(btf.returnType(t), inner + "(" + ps + ")", depth);
                }
                default -> {
                    return join(baseName(t, depth), inner);
                }
            }
        }
    }

    private long arrayLength(int array) {
        long elem = btf.sizeOf(btf.referenced(array));
        return elem == 0 ? 0 : btf.sizeOf(array) / elem;
    }

    private static String join(String base, String inner) {
        if (inner.isEmpty()) {
            return base;
        }
        return base.endsWith("*") ? base + inner : base + " " + inner;
    }

    private String baseName(int id, int depth) {
        BtfKind k = btf.kind(id);
        String n = btf.name(id);
        return switch (k) {
            case VOID -> "void";
            case STRUCT, UNION -> (k == BtfKind.STRUCT ? "struct" : "union")
                    + (n.isEmpty() ? " " + compositeBody(id, depth) : " " + n);
            case ENUM, ENUM64 -> n.isEmpty() ? "enum " + enumBody(id, depth) : "enum " + n;
            case FWD -> (btf.typeName(id).startsWith("union") ? "union " : "struct ") + n;
            default -> n;
        };
    }

    private String enumBody(int id, int depth) {
        StringBuilder s = new StringBuilder("{\n");
        for (Btf.EnumValue v : btf.enumValues(id)) {
            s.append("\t".repeat(depth + 1)).append(v.name()).append(" = ").append(literal(v.value())).append(",\n");
        }
        return s.append("\t".repeat(depth)).append('}').toString();
    }

    private String text() {
        StringBuilder s = new StringBuilder();
        s.append("/* SPDX-License-Identifier: GPL-2.0-only */\n")
                .append("/* GENERATED by scripts/vmlinux-h.sh from a kernel BTF and vmlinux.fields: do not edit (add the\n")
                .append(" * type or member to vmlinux.fields and run the script). Only what BPF programs of pkttrace use,\n")
                .append(" * for CO-RE: libbpf relocates every access by name against the running kernel's BTF. */\n")
                .append("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n")
                .append("#ifndef __TARGET_ARCH_").append(arch).append('\n')
                .append("#error \"this vmlinux.h was generated from ").append(arch)
                .append(" BTF (struct pt_regs differs per architecture): generate one for yours with scripts/vmlinux-h.sh\"\n")
                .append("#endif\n\n")
                .append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n")
                .append("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n\n");
        // Every struct and union named anywhere, declared first: a pointer to one may precede its definition.
        Set<String> tags = new java.util.TreeSet<>();
        forwards.forEach(id -> tags.add(btf.typeName(id)));
        defined.stream().filter(this::isComposite).forEach(id -> tags.add(btf.typeName(id)));
        tags.forEach(n -> s.append(n).append(";\n"));
        s.append('\n').append(body);
        s.append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n#endif /* __VMLINUX_H__ */\n");
        return s.toString();
    }

    /** scripts/vmlinux-h.sh: {@code VmlinuxHeader BTF_FILE FIELDS_FILE OUTPUT_FILE ARCH}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: VmlinuxHeader BTF_FILE FIELDS_FILE OUTPUT_FILE ARCH");
            System.exit(2);
        }
        try {
            String text = generate(Btf.read(Path.of(args[0])),
                    parse(Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)), args[3]);
            Files.writeString(Path.of(args[2]), text, StandardCharsets.UTF_8);
        } catch (BuildException e) {
            System.err.println("vmlinux-h: " + e.getMessage());
            System.exit(1);
        }
    }
}
