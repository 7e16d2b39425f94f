package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.util.HashMap;
import java.util.Map;

/**
 * What a function returns, from its BTF prototype: nothing, an integer of some width and
 * signedness, a pointer, or an enum whose values are shown by name ({@code flow_result_t}). The
 * return register holds 64 bits; this says which of them mean what.
 *
 * @param kind   what the function returns
 * @param size   bytes of an integer or enum
 * @param signed integer or enum values are signed
 * @param names  enum value to name, empty for other kinds
 * @param type   the C spelling, for reports
 */
record ReturnKind(Kind kind, int size, boolean signed, Map<Long, String> names, String type) {
    enum Kind { VOID, INTEGER, POINTER, ENUM, UNKNOWN }

    /** The return of a function without type information: the whole register, no name. */
    static final ReturnKind UNKNOWN = new ReturnKind(Kind.UNKNOWN, 8, true, Map.of(), "?");

    static ReturnKind of(Btf btf, int func) {
        int ret = btf.returnType(func);
        if (ret == 0) {
            return new ReturnKind(Kind.VOID, 0, false, Map.of(), "void");
        }
        int t = btf.skipModifiers(ret);
        String spelled = btf.typeName(ret);
        BtfKind k = btf.kind(t);
        if (k == BtfKind.PTR) {
            return new ReturnKind(Kind.POINTER, 8, false, Map.of(), spelled);
        }
        if (k == BtfKind.ENUM || k == BtfKind.ENUM64) {
            Map<Long, String> names = new HashMap<>();
            for (Btf.EnumValue v : btf.enumValues(t)) {
                names.putIfAbsent(v.value(), v.name());
            }
            return new ReturnKind(Kind.ENUM, (int) btf.sizeOf(t), btf.isSigned(t), Map.copyOf(names), spelled);
        }
        if (k == BtfKind.INT) {
            return new ReturnKind(Kind.INTEGER, (int) btf.sizeOf(t), btf.isSigned(t), Map.of(), spelled);
        }
        return new ReturnKind(Kind.UNKNOWN, 8, true, Map.of(), spelled);
    }

    /** The value the function returned, from the raw return register. */
    long value(long raw) {
        if (size >= 8 || size <= 0) {
            return raw;
        }
        int bits = size * 8;
        long v = raw & ((1L << bits) - 1);
        return signed && (v & (1L << (bits - 1))) != 0 ? v - (1L << bits) : v;
    }

    /** Sets the event's return value (and its enum name), unless the function returns nothing. */
    void apply(long raw, PacketEvent e) {
        if (kind == Kind.VOID) {
            return;
        }
        long v = value(raw);
        e.returnValue(v);
        if (kind == Kind.ENUM) {
            e.returnValueName(names.get(v));
        }
    }
}
