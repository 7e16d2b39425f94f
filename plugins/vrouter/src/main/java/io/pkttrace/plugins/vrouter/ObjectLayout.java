package io.pkttrace.plugins.vrouter;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import io.pkttrace.btf.ElfFile;
import io.pkttrace.btf.MalformedFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * The layout of the structs and the values of the enums that vrouter.bpf.c shares with Java, read
 * from the compiled object's own BTF (every {@code .bpf.o} carries it). This is the one source of
 * truth for the contract: Java names fields, the object says where they are; a field that was
 * renamed or removed on the C side fails with its name when the object is read.
 */
final class ObjectLayout {
    private final Btf btf;

    private ObjectLayout(Btf btf) {
        this.btf = btf;
    }

    /** Reads the BTF of a BPF object (its .BTF section). */
    static ObjectLayout of(byte[] elf) {
        try {
            ByteBuffer section = ElfFile.of(ByteBuffer.wrap(elf), "vrouter.bpf.o").section(".BTF")
                    .orElseThrow(() -> new MalformedFileException("vrouter.bpf.o has no .BTF section"));
            return new ObjectLayout(Btf.parse(section));
        } catch (MalformedFileException e) {
            throw new IllegalStateException("the vrouter plugin's BPF object is damaged: " + e.getMessage(), e);
        }
    }

    /** A field: where it is in its outermost struct and how many bytes it has. */
    record Field(String path, int offset, int size) {
    }

    /** A struct of the object: its size and its fields, nested ones named {@code outer.inner}. */
    final class Struct {
        private final String name;
        private final int size;
        private final Map<String, Field> fields = new HashMap<>();

        private Struct(String name, int id) {
            this.name = name;
            this.size = (int) btf.sizeOf(id);
            collect(id, "", 0, 0);
        }

        private void collect(int id, String prefix, int base, int depth) {
            for (Btf.Member m : btf.members(id)) {
                String path = prefix + m.name();
                int type = btf.skipModifiers(m.type());
                int offset = base + m.byteOffset();
                fields.put(path, new Field(path, offset, (int) btf.sizeOf(type)));
                if (btf.kind(type) == BtfKind.STRUCT && depth < 4) {
                    collect(type, path + ".", offset, depth + 1);
                }
            }
        }

        int size() {
            return size;
        }

        /** The field at a dotted path; fails naming it when the object has no such field. */
        Field field(String path) {
            Field f = fields.get(path);
            if (f == null) {
                throw new IllegalStateException("vrouter.bpf.o: struct " + name + " has no field '" + path
                        + "': the plugin's Java and C sides disagree (rebuild both)");
            }
            return f;
        }

        /** Offset of a field, checking that it has the size the Java side reads or writes. */
        int offset(String path, int expectedSize) {
            Field f = field(path);
            if (f.size() != expectedSize) {
                throw new IllegalStateException("vrouter.bpf.o: struct " + name + " field '" + path + "' has "
                        + f.size() + " bytes, the Java side expects " + expectedSize);
            }
            return f.offset();
        }

        /** A zeroed value of this struct to fill by field name (map values). */
        Writer writer() {
            return new Writer(this);
        }
    }

    /** Fills a struct value field by field, little-endian, sizes checked. */
    static final class Writer {
        private final Struct struct;
        private final ByteBuffer b;

        private Writer(Struct struct) {
            this.struct = struct;
            this.b = ByteBuffer.allocate(struct.size()).order(ByteOrder.LITTLE_ENDIAN);
        }

        Writer u32(String field, long value) {
            b.putInt(struct.offset(field, 4), (int) value);
            return this;
        }

        Writer u64(String field, long value) {
            b.putLong(struct.offset(field, 8), value);
            return this;
        }

        byte[] bytes() {
            return b.array();
        }
    }

    Struct struct(String name) {
        int id = btf.find(name, BtfKind.STRUCT);
        if (id < 0) {
            throw new IllegalStateException("vrouter.bpf.o has no struct " + name + " in its BTF: rebuild the plugin");
        }
        return new Struct(name, id);
    }

    /**
     * max_entries of a map of the object: libbpf's map definitions encode it in BTF as the
     * dimension of an array the definition's {@code max_entries} member points to.
     */
    int mapMaxEntries(String map) {
        for (int id : btf.findAll(map, BtfKind.VAR)) {
            int def = btf.skipModifiers(btf.referenced(id));
            if (btf.kind(def) != BtfKind.STRUCT) {
                continue;
            }
            for (Btf.Member m : btf.members(def)) {
                if (m.name().equals("max_entries") && btf.kind(m.type()) == BtfKind.PTR) {
                    int array = btf.referenced(m.type());
                    int element = btf.referenced(array);
                    return (int) (btf.sizeOf(array) / btf.sizeOf(element));
                }
            }
        }
        throw new IllegalStateException("vrouter.bpf.o has no map " + map + " with max_entries in its BTF");
    }

    /** The names of the object's maps (the variables of its .maps section: structs with a "type" member). */
    java.util.List<String> mapNames() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int id = btf.firstOwnId(); id < btf.typeCount(); id++) {
            if (btf.kind(id) != BtfKind.VAR) {
                continue;
            }
            int def = btf.skipModifiers(btf.referenced(id));
            if (btf.kind(def) == BtfKind.STRUCT && btf.members(def).stream().anyMatch(m -> m.name().equals("type"))) {
                out.add(btf.name(id));
            }
        }
        return out;
    }

    /** The value of an enumerator of the object's enum. */
    long enumValue(String enumName, String value) {
        int id = btf.find(enumName, BtfKind.ENUM);
        if (id < 0) {
            throw new IllegalStateException("vrouter.bpf.o has no enum " + enumName + " in its BTF: rebuild the plugin");
        }
        for (Btf.EnumValue v : btf.enumValues(id)) {
            if (v.name().equals(value)) {
                return v.value();
            }
        }
        throw new IllegalStateException("vrouter.bpf.o: enum " + enumName + " has no " + value + ": rebuild the plugin");
    }
}
