package io.pkttrace.core.bpf;

import io.pkttrace.api.TupleRules;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.btf.StructLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Encodes {@link TupleRules} into {@code struct pkttrace_filter} (the probe SDK's filter.h), the value of
 * the {@code pt_filter} map that BPF consults before reserving a record. Every offset, and the number of
 * alternatives per key, is read by field name from the BTF of the object that holds the map, so filter.h
 * is the only definition of the layout; a field that is missing or of another size fails here, named.
 * Prefixes are stored as network and mask bytes so BPF compares four masked words per alternative.
 */
public final class KernelFilterEncoder {
    private static final int MAX = TupleRules.MAX_ALTERNATIVES;
    private static final int ADDRESS_BYTES = 16;

    private final int size;
    private final int enabled;
    private final int nSrc;
    private final int nDst;
    private final int nEither;
    private final int nProto;
    private final int nSport;
    private final int nDport;
    private final int nEport;
    private final int bothDirs;
    private final int src;
    private final int dst;
    private final int either;
    private final int proto;
    private final int sport;
    private final int dport;
    private final int eport;
    private final int prefixSize;
    private final int prefixFamily;
    private final int prefixNet;
    private final int prefixMask;
    private final int rangeSize;
    private final int rangeLo;
    private final int rangeHi;

    private KernelFilterEncoder(StructLayout f, StructLayout prefix, StructLayout range) throws LayoutException {
        size = f.size();
        enabled = f.offset("enabled", 4);
        nSrc = f.offset("n_src", 1);
        nDst = f.offset("n_dst", 1);
        nEither = f.offset("n_either", 1);
        nProto = f.offset("n_proto", 1);
        nSport = f.offset("n_sport", 1);
        nDport = f.offset("n_dport", 1);
        nEport = f.offset("n_eport", 1);
        bothDirs = f.offset("both_dirs", 1);
        for (String key : List.of("src", "dst", "either", "proto", "sport", "dport", "eport")) {
            f.length(key, MAX); // PT_MAX_ALT must be TupleRules.MAX_ALTERNATIVES
        }
        prefixSize = prefix.size();
        rangeSize = range.size();
        src = f.offset("src", (long) MAX * prefixSize);
        dst = f.offset("dst", (long) MAX * prefixSize);
        either = f.offset("either", (long) MAX * prefixSize);
        proto = f.offset("proto", MAX);
        sport = f.offset("sport", (long) MAX * rangeSize);
        dport = f.offset("dport", (long) MAX * rangeSize);
        eport = f.offset("eport", (long) MAX * rangeSize);
        prefixFamily = prefix.offset("family", 4);
        prefixNet = prefix.offset("net", ADDRESS_BYTES);
        prefixMask = prefix.offset("mask", ADDRESS_BYTES);
        rangeLo = range.offset("lo", 2);
        rangeHi = range.offset("hi", 2);
    }

    /** The encoder for the layout an object's BTF declares. */
    public static KernelFilterEncoder of(Btf btf) throws LayoutException {
        StructLayout f = StructLayout.of(btf, "pkttrace_filter");
        return new KernelFilterEncoder(f, f.element("src"), f.element("sport"));
    }

    /**
     * {@code struct pkttrace_fixed_filter} of the object whose BTF is given: {@link #encode} marked as set, the
     * read-only copy (filter.h's {@code pt_filter_fixed}) that the verifier folds into the programs at load.
     */
    public byte[] encodeFixed(Btf btf, TupleRules r) throws LayoutException {
        StructLayout fixed = StructLayout.of(btf, "pkttrace_fixed_filter");
        byte[] out = new byte[fixed.size()];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(fixed.offset("set", 4), 1);
        System.arraycopy(encode(r), 0, out, fixed.offset("filter", size), size);
        return out;
    }

    /** sizeof(struct pkttrace_filter). */
    public int size() {
        return size;
    }

    /** The map value; an empty rule set encodes as "disabled" (every packet passes). */
    public byte[] encode(TupleRules r) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(enabled, r.isEmpty() ? 0 : 1);
        b.put(nSrc, (byte) r.src().size());
        b.put(nDst, (byte) r.dst().size());
        b.put(nEither, (byte) r.either().size());
        b.put(nProto, (byte) r.protocols().size());
        b.put(nSport, (byte) r.srcPorts().size());
        b.put(nDport, (byte) r.dstPorts().size());
        b.put(nEport, (byte) r.eitherPorts().size());
        b.put(bothDirs, (byte) (r.bothDirections() ? 1 : 0));
        prefixes(b, src, r.src());
        prefixes(b, dst, r.dst());
        prefixes(b, either, r.either());
        for (int i = 0; i < r.protocols().size(); i++) {
            b.put(proto + i, (byte) (int) r.protocols().get(i));
        }
        ports(b, sport, r.srcPorts());
        ports(b, dport, r.dstPorts());
        ports(b, eport, r.eitherPorts());
        return b.array();
    }

    private void prefixes(ByteBuffer b, int off, List<TupleRules.Prefix> list) {
        for (int i = 0; i < list.size(); i++) {
            TupleRules.Prefix p = list.get(i);
            int base = off + i * prefixSize;
            b.putInt(base + prefixFamily, p.family());
            byte[] addr = p.address();
            for (int j = 0; j < addr.length; j++) {
                int bits = Math.max(0, Math.min(8, p.length() - j * 8));
                int mask = bits == 0 ? 0 : (0xff << (8 - bits)) & 0xff;
                b.put(base + prefixNet + j, (byte) (addr[j] & mask));
                b.put(base + prefixMask + j, (byte) mask);
            }
        }
    }

    private void ports(ByteBuffer b, int off, List<TupleRules.PortRange> list) {
        for (int i = 0; i < list.size(); i++) {
            b.putShort(off + i * rangeSize + rangeLo, (short) list.get(i).low());
            b.putShort(off + i * rangeSize + rangeHi, (short) list.get(i).high());
        }
    }
}
