package io.pkttrace.plugins.netfilter.trace;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings decoded from netlink attributes (table and chain names), cached by their bytes so that
 * the same names do not allocate a new String per message.
 */
final class NameCache {
    private static final int SLOTS = 256;
    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];
    private final byte[] scratch = new byte[256];

    /** The NUL-terminated string at {@code [off, off+len)} of {@code b}. */
    String get(ByteBuffer b, int off, int len) {
        int n = 0;
        while (n < len && n < scratch.length && b.get(off + n) != 0) {
            scratch[n] = b.get(off + n);
            n++;
        }
        int h = 0;
        for (int i = 0; i < n; i++) {
            h = h * 31 + scratch[i];
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        byte[] k = keys[slot];
        if (k != null && k.length == n && Arrays.equals(k, 0, n, scratch, 0, n)) {
            return values[slot];
        }
        String s = new String(scratch, 0, n, StandardCharsets.UTF_8);
        keys[slot] = Arrays.copyOf(scratch, n);
        values[slot] = s;
        return s;
    }
}
