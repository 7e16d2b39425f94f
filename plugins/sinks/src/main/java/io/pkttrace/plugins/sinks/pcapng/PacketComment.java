package io.pkttrace.plugins.sinks.pcapng;

import io.pkttrace.api.PacketEvent;

/**
 * The comment of each packet block, what Wireshark shows under "Packet comments" and tshark as
 * {@code frame.comment}: what the packet itself does not say. Fields are separated by "; ", e.g.
 * {@code netpath tx; netns ptns-a (4026532177); packet 0xffff888012345600; drop NETFILTER_DROP},
 * {@code netfilter filter/INPUT; ...; verdict ip filter INPUT DROP (rule 4)} or, for a traced
 * function, {@code vrouter function vr_fabric_input entry; ...}. Encoded as UTF-8 straight into one
 * reused array ({@link #bytes()}, {@link #length()}): no allocation per packet, no char buffer between.
 */
final class PacketComment {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final String[] CALLS = {null, "entry", "return", "return-missed"};

    private static final int PREFIXES = 16;
    private static final int PREFIX_BYTES = 160;

    private final Utf8 sb = new Utf8(PcapngWriter.MAX_COMMENT);
    private final byte[][] prefixBytes = new byte[PREFIXES][PREFIX_BYTES];
    private final int[] prefixLength = new int[PREFIXES];
    private final String[] prefixProbe = new String[PREFIXES];
    private final String[] prefixHook = new String[PREFIXES];
    private final String[] prefixName = new String[PREFIXES];
    private final long[] prefixInode = new long[PREFIXES];

    /** The comment's bytes, {@link #length()} of them: valid until the next {@link #of}. */
    byte[] bytes() {
        return sb.bytes;
    }

    int length() {
        return sb.length;
    }

    /** Encodes the comment of {@code e}; returns its length in bytes. */
    int of(PacketEvent e) {
        sb.length = 0;
        if (e.call() != PacketEvent.CALL_NONE && e.call() < CALLS.length) {
            text(e.probe(), "?");
            sb.append(" function ").append(e.hook()).append(' ').append(CALLS[e.call()]);
            if (e.call() == PacketEvent.CALL_RETURN && e.hasReturnValue()) {
                sb.append(" = ").append(e.returnValue());
                if (e.returnValueName() != null) {
                    sb.append(" (").append(e.returnValueName()).append(')');
                }
            }
            netns(e);
        } else {
            cachedPrefix(e);
        }
        if (e.packetId() != 0) {
            sb.append("; packet ");
            hex(e.packetId());
        }
        if (e.dropReason() >= 0) {
            sb.append("; drop ");
            if (e.dropReasonName() != null) {
                sb.append(e.dropReasonName());
            } else {
                sb.append(e.dropReason());
            }
        }
        if (e.nfVerdict() != null) {
            sb.append("; verdict ");
            if (e.nfFamily() != null) {
                sb.append(e.nfFamily()).append(' ');
            }
            text(e.nfTable(), "-");
            sb.append(' ');
            text(e.nfChain(), "-");
            sb.append(' ').append(e.nfVerdict());
            if (e.nfTarget() != null) {
                sb.append(' ').append(e.nfTarget());
            }
            if (e.nfPolicy()) {
                sb.append(" (policy)");
            } else if (e.nfRuleHandle() >= 0) {
                sb.append(" (rule ").append(e.nfRuleHandle()).append(')');
            }
        }
        if (e.packetBytesLength() == 0) {
            sb.append("; no packet bytes");
        }
        return sb.length;
    }

    /** "; netns NAME (INODE)" or "; netns INODE". */
    private void netns(PacketEvent e) {
        sb.append("; netns ");
        if (e.netnsName() != null) {
            sb.append(e.netnsName()).append(" (").append(e.netnsInode()).append(')');
        } else {
            sb.append(e.netnsInode());
        }
    }

    /**
     * "PROBE HOOK; netns ...": the same for every packet at one hook of one namespace, so it is kept
     * per (probe, hook, namespace) in a small direct-mapped cache (names are the decoders' and the
     * enricher's shared strings, compared by identity) and copied instead of encoded.
     */
    private void cachedPrefix(PacketEvent e) {
        String probe = e.probe();
        String hook = e.hook();
        String name = e.netnsName();
        long inode = e.netnsInode();
        int slot = ((hook == null ? 0 : hook.hashCode()) * 31 + Long.hashCode(inode)) & (PREFIXES - 1);
        if (prefixLength[slot] > 0 && prefixProbe[slot] == probe && prefixHook[slot] == hook && prefixName[slot] == name
                && prefixInode[slot] == inode) {
            System.arraycopy(prefixBytes[slot], 0, sb.bytes, 0, prefixLength[slot]);
            sb.length = prefixLength[slot];
            return;
        }
        text(probe, "?");
        sb.append(' ');
        text(hook, "?");
        netns(e);
        if (sb.length <= PREFIX_BYTES) {
            System.arraycopy(sb.bytes, 0, prefixBytes[slot], 0, sb.length);
            prefixLength[slot] = sb.length;
            prefixProbe[slot] = probe;
            prefixHook[slot] = hook;
            prefixName[slot] = name;
            prefixInode[slot] = inode;
        }
    }

    private void text(String s, String unset) {
        sb.append(s != null ? s : unset);
    }

    private void hex(long v) {
        sb.append("0x");
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        byte[] b = sb.bytes;
        int p = sb.length;
        if (p + digits > b.length) { // never with the comments made here: cut as put() would
            for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
                sb.put(HEX[(int) (v >>> shift) & 0xf]);
            }
            return;
        }
        for (int i = p + digits - 1; i >= p; i--) { // one bounds check for all digits
            b[i] = HEX[(int) v & 0xf];
            v >>>= 4;
        }
        sb.length = p + digits;
    }

    /** A bounded UTF-8 builder: what does not fit is cut (at a character boundary). */
    private static final class Utf8 {
        final byte[] bytes;
        int length;
        private final byte[] digits = new byte[20];

        Utf8(int capacity) {
            bytes = new byte[capacity];
        }

        void put(byte b) {
            if (length < bytes.length) {
                bytes[length++] = b;
            }
        }

        Utf8 append(char c) {
            put((byte) c);
            return this;
        }

        Utf8 append(String s) {
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    put((byte) c);
                } else if (length + 3 > bytes.length) {
                    return this;
                } else if (c < 0x800) {
                    put((byte) (0xC0 | (c >> 6)));
                    put((byte) (0x80 | (c & 0x3F)));
                } else if (Character.isSurrogate(c)) {
                    put((byte) '?'); // names are not astral in practice
                } else {
                    put((byte) (0xE0 | (c >> 12)));
                    put((byte) (0x80 | ((c >> 6) & 0x3F)));
                    put((byte) (0x80 | (c & 0x3F)));
                }
            }
            return this;
        }

        Utf8 append(long v) {
            if (v < 0) {
                if (v == Long.MIN_VALUE) {
                    return append("-9223372036854775808");
                }
                put((byte) '-');
                v = -v;
            }
            int n = 0;
            do {
                digits[n++] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v != 0);
            while (n > 0) {
                put(digits[--n]);
            }
            return this;
        }
    }
}
