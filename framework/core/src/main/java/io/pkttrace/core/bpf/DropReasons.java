package io.pkttrace.core.bpf;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.EnumConstants;
import io.pkttrace.btf.LayoutException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Names of {@code enum skb_drop_reason}, read from the running kernel's BTF: the numbers change
 * between kernel versions, so they are never hard-coded.
 */
public final class DropReasons {
    private static final String PREFIX = "SKB_DROP_REASON_";
    private final Map<Integer, String> names;

    private DropReasons(Map<Integer, String> names) {
        this.names = names;
    }

    /** Empty table: reasons print as numbers. */
    public static DropReasons none() {
        return new DropReasons(Map.of());
    }

    /** The last kernel BTF read by {@link #fromKernel()} and its table. */
    private static Btf readFrom;
    private static DropReasons read;

    /**
     * Reads the enum from the kernel's BTF ({@code --btf FILE}, else sysfs); empty when unavailable. Once
     * per BTF: {@link StartupWarmup} reads it while the command line is parsed.
     */
    public static synchronized DropReasons fromKernel() {
        Btf kernel;
        try {
            kernel = Btf.vmlinux();
        } catch (IOException e) {
            return none();
        }
        if (kernel != readFrom) {
            read = of(kernel);
            readFrom = kernel;
        }
        return read;
    }

    /** Reads the enum from a kernel's BTF; empty when that kernel has none. */
    public static DropReasons of(Btf kernel) {
        Map<Integer, String> map = new HashMap<>();
        try {
            EnumConstants.of(kernel, "skb_drop_reason").values().forEach((name, value) ->
                    map.put(value.intValue(), name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name));
        } catch (LayoutException e) {
            return none();
        }
        return new DropReasons(map);
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
