package io.pkttrace.core.bpf;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.EnumConstants;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.btf.StructLayout;

/**
 * Where {@link StandardRecordDecoder} finds each field of {@code struct pkttrace_event} and which bits
 * the flags are: read by name from the BTF of the probe's object, where the SDK's event.h put them, so
 * that header is the only definition. Each field must have the size the decoder reads; a field that is
 * missing or of another size fails here, naming it, before anything is attached. {@code data} is the
 * record's variable tail: {@code caplen} packet bytes, present when the engine set a snap length.
 */
public record EventLayout(int size, int tsNs, int skb, int retval, int netns, int ifindex, int pid, int len, int skIno,
                          int hook, int family, int proto, int saddr, int daddr, int sport, int dport, int icmpType,
                          int icmpCode, int icmpId, int icmpSeq, int cpu, int reason, int ifname, int flags,
                          int caplen, int data,
                          int flagL3, int flagL4, int flagRetval, int flagIcmp) {
    /** Address and interface name lengths of the record (IPv6 address, IFNAMSIZ). */
    public static final int ADDRESS_BYTES = 16;
    public static final int IFNAME_BYTES = 16;

    /** The layout the object's BTF declares. */
    public static EventLayout of(Btf btf) throws LayoutException {
        StructLayout s = StructLayout.of(btf, "pkttrace_event");
        EnumConstants f = EnumConstants.of(btf, "pkttrace_event_flag");
        return new EventLayout(s.size(), s.offset("ts_ns", 8), s.offset("skb", 8), s.offset("retval", 8),
                s.offset("netns", 4), s.offset("ifindex", 4), s.offset("pid", 4), s.offset("len", 4),
                s.offset("sk_ino", 4), s.offset("hook", 2), s.offset("family", 1), s.offset("proto", 1),
                s.offset("saddr", ADDRESS_BYTES), s.offset("daddr", ADDRESS_BYTES), s.offset("sport", 2),
                s.offset("dport", 2), s.offset("icmp_type", 1), s.offset("icmp_code", 1), s.offset("icmp_id", 2),
                s.offset("icmp_seq", 2), s.offset("cpu", 2), s.offset("reason", 4), s.offset("ifname", IFNAME_BYTES),
                s.offset("flags", 4), s.offset("caplen", 4), s.offset("data", 0), (int) f.value("PT_F_HAS_L3"), (int) f.value("PT_F_HAS_L4"),
                (int) f.value("PT_F_HAS_RETVAL"), (int) f.value("PT_F_ICMP"));
    }
}
