package io.pkttrace.jsonl;

import io.pkttrace.api.PacketEvent;

/**
 * Formats raw IP addresses as text into a caller's char buffer, so the JSON sink's hot path does not
 * allocate an {@code InetAddress} and a {@code String} per address. The text is the same as
 * the sinks plugin's {@code EventText.address}: dotted decimal for IPv4, RFC 5952 for IPv6
 * (lowercase, no leading zeros, the longest run of two or more zero groups as "::", the first of
 * equal runs). One addition: IPv4-mapped IPv6 addresses keep their IPv6 form, "::ffff:192.0.2.1"
 * (RFC 5952 section 5), where {@code InetAddress} would silently turn them into IPv4.
 */
public final class AddressChars {
    /** Enough for any address text (INET6_ADDRSTRLEN); the longest produced is 39 chars. */
    public static final int MAX = 45;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private AddressChars() {
    }

    /**
     * @param a      4 (IPv4) or 16 (IPv6) meaningful bytes
     * @param family {@link PacketEvent#FAMILY_IPV4} or {@link PacketEvent#FAMILY_IPV6}
     * @param out    at least {@link #MAX} chars
     * @return the number of chars written
     */
    public static int format(byte[] a, int family, char[] out) {
        return family == PacketEvent.FAMILY_IPV4 ? ipv4(a, 0, out, 0) : ipv6(a, out);
    }

    /** An IPv4 address held in the low 32 bits of {@code v} (first octet highest), as dotted decimal. */
    static int ipv4(long v, char[] out) {
        int pos = 0;
        for (int shift = 24; shift >= 0; shift -= 8) {
            if (shift < 24) {
                out[pos++] = '.';
            }
            pos = decimal((int) (v >>> shift) & 0xff, out, pos);
        }
        return pos;
    }

    /** A MAC address held in the low 48 bits of {@code v} (first octet highest), as aa:bb:cc:dd:ee:ff. */
    static int mac(long v, char[] out) {
        int pos = 0;
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift < 40) {
                out[pos++] = ':';
            }
            int b = (int) (v >>> shift) & 0xff;
            out[pos++] = HEX[b >> 4];
            out[pos++] = HEX[b & 0xf];
        }
        return pos;
    }

    private static int ipv4(byte[] a, int from, char[] out, int pos) {
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                out[pos++] = '.';
            }
            pos = decimal(a[from + i] & 0xff, out, pos);
        }
        return pos;
    }

    private static int decimal(int v, char[] out, int pos) {
        if (v >= 100) {
            out[pos++] = (char) ('0' + v / 100);
        }
        if (v >= 10) {
            out[pos++] = (char) ('0' + v / 10 % 10);
        }
        out[pos++] = (char) ('0' + v % 10);
        return pos;
    }

    private static int group(byte[] a, int i) {
        return ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }

    private static int ipv6(byte[] a, char[] out) {
        if (isV4Mapped(a)) {
            int pos = 0;
            for (char c : "::ffff:".toCharArray()) {
                out[pos++] = c;
            }
            return ipv4(a, 12, out, pos);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && group(a, j) == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        int pos = 0;
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out[pos++] = ':';
                out[pos++] = ':';
                i += bestLen - 1;
                continue;
            }
            if (pos > 0 && out[pos - 1] != ':') {
                out[pos++] = ':';
            }
            pos = hex(group(a, i), out, pos);
        }
        return pos;
    }

    private static int hex(int g, char[] out, int pos) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int d = (g >>> shift) & 0xf;
            if (d != 0 || started || shift == 0) {
                out[pos++] = HEX[d];
                started = true;
            }
        }
        return pos;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }
}
