package io.pkttrace.btf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The enumerators of one enum of a BTF, by name: constants the C side declares once and Java reads. */
public final class EnumConstants {
    private final String name;
    private final Map<String, Long> values;

    private EnumConstants(String name, Map<String, Long> values) {
        this.name = name;
        this.values = values;
    }

    /** The enumerators of {@code enum NAME} (ENUM or ENUM64). */
    public static EnumConstants of(Btf btf, String name) throws LayoutException {
        int id = btf.find(name, BtfKind.ENUM);
        if (id < 0) {
            id = btf.find(name, BtfKind.ENUM64);
        }
        if (id < 0) {
            throw new LayoutException("enum " + name + " is not in the BTF (a BPF object has it only where a function uses"
                    + " it: PT_EXPORT_ENUM(" + name + ") in the probe's C source)");
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (Btf.EnumValue v : btf.enumValues(id)) {
            m.put(v.name(), v.value());
        }
        return new EnumConstants(name, Collections.unmodifiableMap(m));
    }

    /** The value of an enumerator that must exist. */
    public long value(String enumerator) throws LayoutException {
        Long v = values.get(enumerator);
        if (v == null) {
            throw new LayoutException("enum " + name + " has no enumerator " + enumerator);
        }
        return v;
    }

    /** Every enumerator and its value, in declaration order. */
    public Map<String, Long> values() {
        return values;
    }
}
