package io.pkttrace.core.bpf;

import java.util.HashMap;
import java.util.Map;
import jnr.ffi.Pointer;

/**
 * Names of {@code enum skb_drop_reason}, read from the running kernel's BTF: the numbers change
 * between kernel versions, so they are never hard-coded.
 */
public final class DropReasons {
    private static final int BTF_KIND_ENUM = 6;
    private static final String PREFIX = "SKB_DROP_REASON_";
    private final Map<Integer, String> names;

    private DropReasons(Map<Integer, String> names) {
        this.names = names;
    }

    /** Empty table: reasons print as numbers. */
    public static DropReasons none() {
        return new DropReasons(Map.of());
    }

    /** Reads the enum from /sys/kernel/btf/vmlinux through libbpf; empty when unavailable. */
    public static DropReasons fromKernel(NativeBpf n) {
        LibBpf bpf = n.bpf();
        Pointer btf = bpf.btf__load_vmlinux_btf();
        if (btf == null) {
            return none();
        }
        try {
            int id = bpf.btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
            if (id <= 0) {
                return none();
            }
            Pointer t = bpf.btf__type_by_id(btf, id);
            int vlen = t.getInt(4) & 0xffff; // struct btf_type { name_off; info; size; }, then btf_enum[vlen]
            Map<Integer, String> map = new HashMap<>();
            for (int i = 0; i < vlen; i++) {
                int nameOff = t.getInt(12 + i * 8L);
                int val = t.getInt(12 + i * 8L + 4);
                String name = bpf.btf__name_by_offset(btf, nameOff);
                if (name != null) {
                    map.put(val, name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name);
                }
            }
            return new DropReasons(map);
        } finally {
            bpf.btf__free(btf);
        }
    }

    /** The reason's name without the SKB_DROP_REASON_ prefix, or its number. */
    public String name(int reason) {
        String s = names.get(reason);
        return s != null ? s : Integer.toString(reason);
    }

    /** The value of a named reason (without prefix), or -1. */
    public int value(String name) {
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return -1;
    }
}
