package io.pkttrace.plugins.netfilter.correlate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Interface names from records' raw bytes, cached so that a known device costs no allocation. */
final class IfNames {
    private static final int SLOTS = 256;
    private final long[] keys = new long[SLOTS];
    private final byte[][] raw = new byte[SLOTS][16];
    private final String[] names = new String[SLOTS];

    String name(long netns, int ifindex, byte[] bytes) {
        if (bytes[0] == 0) {
            return null;
        }
        long key = (netns << 32) ^ ifindex;
        int slot = (int) ((key ^ (key >>> 19)) * 0x9E3779B1L >>> 24) & (SLOTS - 1);
        if (names[slot] != null && keys[slot] == key && Arrays.equals(raw[slot], bytes)) {
            return names[slot];
        }
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        keys[slot] = key;
        System.arraycopy(bytes, 0, raw[slot], 0, 16);
        names[slot] = new String(bytes, 0, n, StandardCharsets.UTF_8);
        return names[slot];
    }
}
