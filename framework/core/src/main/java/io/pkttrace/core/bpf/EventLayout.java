package io.pkttrace.core.bpf;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.EnumConstants;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.btf.StructLayout;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.Locale;

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

    /** Where {@link #builtIn()} reads the layout: core's own object, compiled from the SDK's event.h. */
    static final String CONTRACT_OBJECT = "/bpf/contract.bpf.o";

    /** The layout this pkttrace was built with (the BTF of its contract.bpf.o). */
    public static EventLayout builtIn() {
        try (InputStream in = EventLayout.class.getResourceAsStream(CONTRACT_OBJECT)) {
            if (in == null) {
                throw new IllegalStateException(CONTRACT_OBJECT + " is missing from the engine's jar: a broken build");
            }
            return of(Btf.fromElf(ByteBuffer.wrap(in.readAllBytes()), CONTRACT_OBJECT));
        } catch (IOException | LayoutException e) {
            throw new IllegalStateException(CONTRACT_OBJECT + " cannot be read: a broken build: " + e.getMessage(), e);
        }
    }

    /**
     * Where this layout differs from {@code expected}, as one phrase naming the field or flag (its C
     * name), or null when they are the same.
     */
    public String firstDifference(EventLayout expected) {
        RecordComponent[] parts = EventLayout.class.getRecordComponents();
        for (RecordComponent c : parts) {
            int mine = valueOf(c, this);
            int theirs = valueOf(c, expected);
            if (mine != theirs) {
                String name = c.getName();
                if (name.equals("size")) {
                    return "struct pkttrace_event is " + mine + " bytes, this pkttrace reads " + theirs;
                }
                if (name.startsWith("flag")) {
                    String flag = "PT_F_" + (name.equals("flagRetval") ? "HAS_RETVAL" : name.equals("flagIcmp") ? "ICMP"
                            : "HAS_" + name.substring(4).toUpperCase(Locale.ROOT));
                    return "enum pkttrace_event_flag has " + flag + " = " + mine + ", this pkttrace reads " + theirs;
                }
                return "struct pkttrace_event has field '" + cName(name) + "' at offset " + mine + ", this pkttrace reads it at " + theirs;
            }
        }
        return null;
    }

    private static int valueOf(RecordComponent c, EventLayout l) {
        try {
            return (int) c.getAccessor().invoke(l);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** skIno -> sk_ino: the record components are event.h's field names in camel case. */
    private static String cName(String component) {
        return component.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

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
