package io.pkttrace.btf;

/**
 * Where the fields of one struct lie, read from BTF by field name: for Java code that reads or writes
 * memory the C side defines (ring-buffer records, map values), so that the C definition is the only
 * one. Fields inside anonymous structs and unions are found as C finds them. Each lookup says how
 * large the caller expects the field to be and fails, naming the struct and the field, when it is not.
 */
public final class StructLayout {
    private final Btf btf;
    private final int id;
    private final String name;

    private StructLayout(Btf btf, int id, String name) {
        this.btf = btf;
        this.id = id;
        this.name = name;
    }

    /** The layout of {@code struct NAME}. */
    public static StructLayout of(Btf btf, String name) throws LayoutException {
        int id = btf.find(name, BtfKind.STRUCT);
        if (id < 0) {
            throw new LayoutException("struct " + name + " is not in the BTF");
        }
        return new StructLayout(btf, id, "struct " + name);
    }

    /** sizeof the struct. */
    public int size() {
        return (int) btf.sizeOf(id);
    }

    /** "struct NAME". */
    public String name() {
        return name;
    }

    /** Byte offset of a field that must be {@code bytes} long (arrays: all their elements). */
    public int offset(String field, long bytes) throws LayoutException {
        Btf.Member m = member(field);
        long size = btf.sizeOf(m.type());
        if (m.bitSize() != 0 || m.bitOffset() % 8 != 0) {
            throw new LayoutException(name + ": field '" + field + "' is a bitfield, expected " + bytes + " bytes");
        }
        if (size != bytes) {
            throw new LayoutException(name + ": field '" + field + "' is " + size + " bytes, expected " + bytes);
        }
        return m.bitOffset() / 8;
    }

    /** Number of elements of an array field, which must be {@code expected}. */
    public int length(String field, int expected) throws LayoutException {
        int t = btf.skipModifiers(member(field).type());
        if (btf.kind(t) != BtfKind.ARRAY) {
            throw new LayoutException(name + ": field '" + field + "' is not an array, expected " + expected + " elements");
        }
        long elem = btf.sizeOf(btf.referenced(t));
        long n = elem == 0 ? 0 : btf.sizeOf(t) / elem;
        if (n != expected) {
            throw new LayoutException(name + ": field '" + field + "' has " + n + " elements, expected " + expected);
        }
        return (int) n;
    }

    /** The layout of the struct a field holds, itself or as the elements of an array. */
    public StructLayout element(String field) throws LayoutException {
        int t = btf.skipModifiers(member(field).type());
        if (btf.kind(t) == BtfKind.ARRAY) {
            t = btf.skipModifiers(btf.referenced(t));
        }
        if (btf.kind(t) != BtfKind.STRUCT) {
            throw new LayoutException(name + ": field '" + field + "' does not hold a struct");
        }
        return new StructLayout(btf, t, "struct " + btf.name(t));
    }

    private Btf.Member member(String field) throws LayoutException {
        Btf.Member m = btf.member(id, field);
        if (m == null) {
            throw new LayoutException(name + " has no field '" + field + "'");
        }
        return m;
    }
}
