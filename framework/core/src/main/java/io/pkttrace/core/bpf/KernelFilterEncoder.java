package io.pkttrace.core.bpf;

import io.pkttrace.api.TupleRules;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Encodes {@link TupleRules} into {@code struct pkttrace_filter} (bpf/include/pkttrace/filter.h),
 * the value of the {@code pt_filter} map that BPF consults before reserving a record. Prefixes are
 * stored as network and mask bytes so BPF compares four masked words per alternative.
 */
public final class KernelFilterEncoder {
    /** sizeof(struct pkttrace_filter); the C side asserts the same. */
    public static final int SIZE = 980;
    private static final int PREFIX_SIZE = 36;
    private static final int OFF_SRC = 12;
    private static final int OFF_DST = OFF_SRC + 8 * PREFIX_SIZE;
    private static final int OFF_EITHER = OFF_DST + 8 * PREFIX_SIZE;
    private static final int OFF_PROTO = OFF_EITHER + 8 * PREFIX_SIZE;
    private static final int OFF_SPORT = OFF_PROTO + 8;
    private static final int OFF_DPORT = OFF_SPORT + 8 * 4;
    private static final int OFF_EPORT = OFF_DPORT + 8 * 4;

    private KernelFilterEncoder() {
    }

    /** The map value; an empty rule set encodes as "disabled" (every packet passes). */
    public static byte[] encode(TupleRules r) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, r.isEmpty() ? 0 : 1);
        b.put(4, (byte) r.src().size());
        b.put(5, (byte) r.dst().size());
        b.put(6, (byte) r.either().size());
        b.put(7, (byte) r.protocols().size());
        b.put(8, (byte) r.srcPorts().size());
        b.put(9, (byte) r.dstPorts().size());
        b.put(10, (byte) r.eitherPorts().size());
        b.put(11, (byte) (r.bothDirections() ? 1 : 0));
        prefixes(b, OFF_SRC, r.src());
        prefixes(b, OFF_DST, r.dst());
        prefixes(b, OFF_EITHER, r.either());
        for (int i = 0; i < r.protocols().size(); i++) {
            b.put(OFF_PROTO + i, (byte) (int) r.protocols().get(i));
        }
        ports(b, OFF_SPORT, r.srcPorts());
        ports(b, OFF_DPORT, r.dstPorts());
        ports(b, OFF_EPORT, r.eitherPorts());
        return b.array();
    }

    private static void prefixes(ByteBuffer b, int off, List<TupleRules.Prefix> list) {
        for (int i = 0; i < list.size(); i++) {
            TupleRules.Prefix p = list.get(i);
            int base = off + i * PREFIX_SIZE;
            b.putInt(base, p.family());
            byte[] addr = p.address();
            for (int j = 0; j < addr.length; j++) {
                int bits = Math.max(0, Math.min(8, p.length() - j * 8));
                int mask = bits == 0 ? 0 : (0xff << (8 - bits)) & 0xff;
                b.put(base + 4 + j, (byte) (addr[j] & mask)); // net
                b.put(base + 20 + j, (byte) mask);            // mask
            }
        }
    }

    private static void ports(ByteBuffer b, int off, List<TupleRules.PortRange> list) {
        for (int i = 0; i < list.size(); i++) {
            b.putShort(off + i * 4, (short) list.get(i).low());
            b.putShort(off + i * 4 + 2, (short) list.get(i).high());
        }
    }
}
