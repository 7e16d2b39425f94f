package io.pkttrace.plugins.vrouter;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import io.pkttrace.btf.ElfFile;
import io.pkttrace.btf.EnumConstants;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.btf.MalformedFileException;
import io.pkttrace.btf.StructLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract between vrouter.bpf.c and Java, read from the compiled object's own BTF with the
 * SDK's {@link StructLayout} and {@link EnumConstants}: the C definitions in vrouter.h are the only
 * ones; a field or enumerator renamed, resized or removed on the C side fails with its name when
 * the object is read. Adds what the probe needs beyond them: fields of nested structs by dotted
 * path ({@code inner.saddr}), map values written field by field, and the object's maps.
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

    private static IllegalStateException mismatch(LayoutException e) {
        return new IllegalStateException("vrouter.bpf.o: " + e.getMessage() + ": the plugin's Java and C sides disagree"
                + " (rebuild both)", e);
    }

    /** A struct of the object, with fields by dotted path. */
    final class Struct {
        private final StructLayout layout;

        private Struct(StructLayout layout) {
            this.layout = layout;
        }

        int size() {
            return layout.size();
        }

        /** Offset (from this struct) of a field, which must be {@code bytes} long; nested ones as {@code a.b}. */
        int offset(String path, int bytes) {
            try {
                StructLayout s = layout;
                int base = 0;
                String[] parts = path.split("\\.");
                for (int i = 0; i < parts.length - 1; i++) {
                    StructLayout inner = s.element(parts[i]);
                    base += s.offset(parts[i], inner.size());
                    s = inner;
                }
                return base + s.offset(parts[parts.length - 1], bytes);
            } catch (LayoutException e) {
                throw mismatch(e);
            }
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

        byte[] bytes() {
            return b.array();
        }
    }

    Struct struct(String name) {
        try {
            return new Struct(StructLayout.of(btf, name));
        } catch (LayoutException e) {
            throw mismatch(e);
        }
    }

    /** The value of an enumerator of the object's enum. */
    long enumValue(String enumName, String value) {
        try {
            return EnumConstants.of(btf, enumName).value(value);
        } catch (LayoutException e) {
            throw mismatch(e);
        }
    }

    /**
     * max_entries of a map of the object: libbpf's map definitions encode it in BTF as the
     * dimension of an array the definition's {@code max_entries} member points to.
     */
    int mapMaxEntries(String map) {
        for (int id : btf.findAll(map, BtfKind.VAR)) {
            Btf.Member m = btf.member(btf.skipModifiers(btf.referenced(id)), "max_entries");
            if (m != null && btf.kind(m.type()) == BtfKind.PTR) {
                int array = btf.referenced(m.type());
                return (int) (btf.sizeOf(array) / btf.sizeOf(btf.referenced(array)));
            }
        }
        throw new IllegalStateException("vrouter.bpf.o has no map " + map + " with max_entries in its BTF");
    }

    /** The names of the object's maps (the variables of its .maps section: structs with a "type" member). */
    List<String> mapNames() {
        List<String> out = new ArrayList<>();
        for (int id = btf.firstOwnId(); id < btf.typeCount(); id++) {
            if (btf.kind(id) == BtfKind.VAR) {
                int def = btf.skipModifiers(btf.referenced(id));
                if (btf.kind(def) == BtfKind.STRUCT && btf.member(def, "type") != null) {
                    out.add(btf.name(id));
                }
            }
        }
        return out;
    }
}
