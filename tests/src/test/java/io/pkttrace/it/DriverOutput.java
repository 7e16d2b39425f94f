package io.pkttrace.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What vrdp_driver printed: per scenario (the letter after ">>>"), in order of the rounds, the
 * frames it transmitted ("[uhost] TX on vif N ... len L:" followed by hex lines).
 */
final class DriverOutput {
    /** One transmitted frame. */
    record Tx(int vif, byte[] frame) {
    }

    private final Map<Character, List<List<Tx>>> rounds = new HashMap<>();

    DriverOutput(String text) {
        List<Tx> current = null;
        ByteArray hex = null;
        int vif = -1;
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.startsWith(">>> ")) {
                current = new ArrayList<>();
                rounds.computeIfAbsent(t.charAt(4), k -> new ArrayList<>()).add(current);
            } else if (t.startsWith("[uhost] TX on vif ")) {
                vif = Integer.parseInt(t.substring(18, t.indexOf(' ', 18)));
                hex = new ByteArray();
            } else if (hex != null && t.matches("([0-9a-f]{2} ?)+")) {
                hex.add(HexFormat.of().parseHex(t.replace(" ", "")));
            } else if (hex != null) {
                current.add(new Tx(vif, hex.bytes()));
                hex = null;
            }
        }
    }

    /** The frames scenario {@code s} transmitted in round {@code r}. */
    List<Tx> tx(char s, int r) {
        return rounds.get(s).get(r);
    }

    int rounds(char s) {
        return rounds.getOrDefault(s, List.of()).size();
    }

    private static final class ByteArray {
        private byte[] b = new byte[0];

        void add(byte[] more) {
            byte[] n = java.util.Arrays.copyOf(b, b.length + more.length);
            System.arraycopy(more, 0, n, b.length, more.length);
            b = n;
        }

        byte[] bytes() {
            return b;
        }
    }

    /** The offset of an IPv4 header with these addresses and protocol in the frame, or -1. */
    static int ipv4(byte[] f, String src, String dst, int proto) {
        byte[] s = addr(src);
        byte[] d = addr(dst);
        for (int i = 0; i + 20 <= f.length; i++) {
            if ((f[i] & 0xf0) == 0x40 && (f[i + 9] & 0xff) == proto && match(f, i + 12, s) && match(f, i + 16, d)) {
                return i;
            }
        }
        return -1;
    }

    /** The TCP/UDP ports after the IPv4 header at {@code ip}: {sport, dport}. */
    static int[] ports(byte[] f, int ip) {
        int l4 = ip + (f[ip] & 0xf) * 4;
        return new int[] {((f[l4] & 0xff) << 8) | (f[l4 + 1] & 0xff), ((f[l4 + 2] & 0xff) << 8) | (f[l4 + 3] & 0xff)};
    }

    private static boolean match(byte[] f, int at, byte[] want) {
        for (int i = 0; i < want.length; i++) {
            if (f[at + i] != want[i]) {
                return false;
            }
        }
        return true;
    }

    static byte[] addr(String dotted) {
        String[] p = dotted.split("\\.");
        return new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]),
                (byte) Integer.parseInt(p[3])};
    }
}
