package io.pkttrace.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes small BTF blobs for tests, type by type, as the kernel's format lays them out. */
final class BtfBuilder {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final int stringBase;
    private int nextId;

    BtfBuilder() {
        this(1, 0);
    }

    /** For split BTF: ids and string offsets continue those of a base. */
    BtfBuilder(int firstId, int stringBase) {
        this.nextId = firstId;
        this.stringBase = stringBase;
        if (stringBase == 0) {
            strings.write(0);
        }
    }

    int str(String s) {
        int off = stringBase + strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        return off;
    }

    private void u32(int v) {
        types.write(v);
        types.write(v >>> 8);
        types.write(v >>> 16);
        types.write(v >>> 24);
    }

    private int type(String name, int kind, int vlen, boolean kindFlag, int sizeOrType) {
        u32(name == null ? 0 : str(name));
        u32((kind << 24) | vlen | (kindFlag ? 1 << 31 : 0));
        u32(sizeOrType);
        return nextId++;
    }

    int intType(String name, int size) {
        int id = type(name, 1, 0, false, size);
        u32(size * 8);
        return id;
    }

    /** A signed INT (encoding BTF_INT_SIGNED). */
    int signedIntType(String name, int size) {
        int id = type(name, 1, 0, false, size);
        u32((1 << 24) | size * 8);
        return id;
    }

    int ptr(int to) {
        return type(null, 2, 0, false, to);
    }

    int typedef(String name, int to) {
        return type(name, 8, 0, false, to);
    }

    int constOf(int to) {
        return type(null, 10, 0, false, to);
    }

    int array(int elem, int index, int n) {
        int id = type(null, 3, 0, false, 0);
        u32(elem);
        u32(index);
        u32(n);
        return id;
    }

    /** members: name, type, bit offset, bitfield size (0 for none), repeated. */
    int struct(String name, int size, Object... members) {
        boolean bitfields = false;
        for (int i = 3; i < members.length; i += 4) {
            bitfields |= (int) members[i] != 0;
        }
        int id = type(name, 4, members.length / 4, bitfields, size);
        for (int i = 0; i < members.length; i += 4) {
            u32(str((String) members[i]));
            u32((int) members[i + 1]);
            int off = (int) members[i + 2];
            u32(bitfields ? off | ((int) members[i + 3] << 24) : off);
        }
        return id;
    }

    int enumType(String name, boolean signed, Object... values) {
        int id = type(name, 6, values.length / 2, signed, 4);
        for (int i = 0; i < values.length; i += 2) {
            u32(str((String) values[i]));
            u32((int) values[i + 1]);
        }
        return id;
    }

    int enum64(String name, String value, long v) {
        int id = type(name, 19, 1, false, 8);
        u32(str(value));
        u32((int) v);
        u32((int) (v >>> 32));
        return id;
    }

    /** params: name, type, repeated. */
    int proto(int ret, Object... params) {
        int id = type(null, 13, params.length / 2, false, ret);
        for (int i = 0; i < params.length; i += 2) {
            u32(str((String) params[i]));
            u32((int) params[i + 1]);
        }
        return id;
    }

    int func(String name, int proto) {
        return type(name, 12, 1, false, proto);
    }

    /** A record with a kind number this reader does not know. */
    void unknownKind(int kind) {
        type(null, kind, 0, false, 0);
    }

    ByteBuffer build() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xEB9F).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(t.length).putInt(t.length).putInt(s.length).put(t).put(s);
        return b.flip();
    }
}
