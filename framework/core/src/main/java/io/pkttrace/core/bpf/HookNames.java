package io.pkttrace.core.bpf;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.EnumConstants;
import io.pkttrace.btf.LayoutException;
import java.util.Locale;
import java.util.Map;

/**
 * Hook names indexed by the record's {@code hook} id, from a probe's hook enum in its object's BTF:
 * {@code enum netpath_hook { NETPATH_HOOK_TX = 1, ... }} names id 1 "tx" (the enum's name in capitals
 * and an underscore are dropped, the rest is lower-cased).
 */
public final class HookNames {
    /** Hook ids are array indexes: a hook enum with larger values is a mistake, not a table to allocate. */
    private static final int MAX_ID = 4096;

    private HookNames() {
    }

    public static String[] fromEnum(Btf btf, String hookEnum) throws LayoutException {
        Map<String, Long> values = EnumConstants.of(btf, hookEnum).values();
        String prefix = hookEnum.toUpperCase(Locale.ROOT) + "_";
        long max = values.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long min = values.values().stream().mapToLong(Long::longValue).min().orElse(0);
        if (min < 0 || max > MAX_ID) {
            throw new LayoutException("enum " + hookEnum + ": hook ids must lie in 0.." + MAX_ID + ", not " + min + ".." + max);
        }
        String[] names = new String[(int) max + 1];
        values.forEach((name, id) -> names[id.intValue()] =
                (name.startsWith(prefix) ? name.substring(prefix.length()) : name).toLowerCase(Locale.ROOT));
        return names;
    }
}
