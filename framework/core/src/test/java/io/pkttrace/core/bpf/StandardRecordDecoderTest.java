package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.core.testing.KernelTestSupport;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardRecordDecoderTest {
    private static final int BASE = 40; // records are decoded in place, at any offset

    private static ByteBuffer record(int hook, int flags, byte[] src, byte[] dst, int proto, String ifname) {
        ByteBuffer b = ByteBuffer.allocate(BASE + 120).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(BASE, 123456789L);
        b.putLong(BASE + 8, 0xffff888812345678L);
        b.putInt(BASE + 24, (int) 4026531840L);
        b.putInt(BASE + 28, 7);
        b.putInt(BASE + 32, 4242);
        b.putInt(BASE + 36, 84);
        b.putInt(BASE + 40, 99);
        b.putShort(BASE + 44, (short) hook);
        b.put(BASE + 46, (byte) (src.length == 4 ? 4 : 6));
        b.put(BASE + 47, (byte) proto);
        b.put(BASE + 48, src);
        b.put(BASE + 64, dst);
        b.putShort(BASE + 80, (short) 40000);
        b.putShort(BASE + 82, (short) 53);
        b.put(BASE + 84, (byte) 8);
        b.putShort(BASE + 86, (short) 0xbeef);
        b.putShort(BASE + 88, (short) 3);
        b.putShort(BASE + 90, (short) 1);
        b.putInt(BASE + 92, -1);
        byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
        b.put(BASE + 96, name);
        b.putInt(BASE + 112, flags);
        return b;
    }

    private static EventLayout layout() {
        try {
            return EventLayout.of(KernelTestSupport.btf("skb_hooks.bpf.o"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final StandardRecordDecoder decoder = decoder(layout());

    private static StandardRecordDecoder decoder(EventLayout l) {
        try {
            return new StandardRecordDecoder(l, "netpath", new String[] {null, "tx", "rx"}, DropReasons.none());
        } catch (LayoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code l} with one component set to {@code value}: an object built against other headers. */
    private static EventLayout with(EventLayout l, String component, int value) throws Exception {
        RecordComponent[] parts = EventLayout.class.getRecordComponents();
        Object[] args = new Object[parts.length];
        Class<?>[] types = new Class<?>[parts.length];
        for (int i = 0; i < parts.length; i++) {
            types[i] = int.class;
            args[i] = parts[i].getName().equals(component) ? value : parts[i].getAccessor().invoke(l);
        }
        return EventLayout.class.getDeclaredConstructor(types).newInstance(args);
    }

    /** The engine reads the layout of its own contract.bpf.o, and a probe object built with the same event.h has it. */
    @Test
    void theBuiltInLayoutIsTheOneProbeObjectsHave() {
        assertEquals(layout(), EventLayout.builtIn());
        assertNull(layout().firstDifference(EventLayout.builtIn()));
    }

    /** A record with a field elsewhere (or another flag value) is refused, naming it, before any record is read. */
    @Test
    void anObjectWhoseRecordDiffersIsRefusedNamingTheField() throws Exception {
        EventLayout moved = with(layout(), "skIno", 44);
        LayoutException e = assertThrows(LayoutException.class, () -> new StandardRecordDecoder(moved, "netpath",
                new String[0], DropReasons.none()));
        assertEquals("struct pkttrace_event has field 'sk_ino' at offset 44, this pkttrace reads it at 40", e.getMessage());
        assertEquals("enum pkttrace_event_flag has PT_F_HAS_RETVAL = 16, this pkttrace reads 4",
                with(layout(), "flagRetval", 16).firstDifference(EventLayout.builtIn()));
        assertEquals("struct pkttrace_event is 128 bytes, this pkttrace reads 120",
                with(layout(), "size", 128).firstDifference(EventLayout.builtIn()));
    }

    /** What EventLayout reads from an object's BTF is event.h's layout (the records above are written by hand). */
    @Test
    void layoutComesFromTheObjectsBtf() {
        EventLayout l = layout();
        assertEquals(120, l.size());
        assertEquals(List.of(0, 8, 16, 24, 28, 32, 36, 40, 44, 46, 47, 48, 64, 80, 82, 84, 85, 86, 88, 90, 92, 96, 112),
                List.of(l.tsNs(), l.skb(), l.retval(), l.netns(), l.ifindex(), l.pid(), l.len(), l.skIno(), l.hook(),
                        l.family(), l.proto(), l.saddr(), l.daddr(), l.sport(), l.dport(), l.icmpType(), l.icmpCode(),
                        l.icmpId(), l.icmpSeq(), l.cpu(), l.reason(), l.ifname(), l.flags()));
        assertEquals(List.of(1, 2, 4, 8), List.of(l.flagL3(), l.flagL4(), l.flagRetval(), l.flagIcmp()));
        assertEquals(List.of(116, 120), List.of(l.caplen(), l.data()), "the packet bytes' count, then the bytes after the record");
    }

    /** A record with the tail a probe writes when the engine set a snap length: caplen bytes after the fixed part. */
    @Test
    void decodesPacketBytesOfTheRecordsTail() throws Exception {
        byte[] s = InetAddress.getByName("198.18.1.2").getAddress();
        byte[] d = InetAddress.getByName("198.18.2.2").getAddress();
        ByteBuffer fixed = record(1, 1, s, d, 1, "eth0");
        ByteBuffer b = ByteBuffer.allocate(BASE + 120 + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, fixed, 0, BASE + 120);
        b.putInt(BASE + 116, 20);
        for (int i = 0; i < 64; i++) {
            b.put(BASE + 120 + i, (byte) (0x45 + i));
        }
        PacketEvent e = new PacketEvent();
        assertTrue(decoder.decode(b, BASE, 120 + 64, e));
        assertEquals(20, e.packetBytesLength(), "caplen bytes, not the whole reserved tail");
        assertEquals(0x45, e.packetBytes()[0]);
        assertEquals(0x45 + 19, e.packetBytes()[19]);
        e.clear();
        assertEquals(0, e.packetBytesLength());
        b.putInt(BASE + 116, 100); // more than the record holds: not trusted
        assertTrue(decoder.decode(b, BASE, 120 + 64, e));
        assertEquals(0, e.packetBytesLength());
        assertTrue(decoder.decode(fixed, BASE, 120, e));
        assertEquals(0, e.packetBytesLength(), "a record without a tail has no bytes");
    }

    @Test
    void decodesIcmpEcho() throws Exception {
        byte[] s = InetAddress.getByName("198.18.1.2").getAddress();
        byte[] d = InetAddress.getByName("198.18.2.2").getAddress();
        PacketEvent e = new PacketEvent();
        assertTrue(decoder.decode(record(1, 1 | 2 | 8, s, d, 1, "eth0"), BASE, 120, e));
        assertEquals(123456789L, e.timestampNs());
        assertEquals(0xffff888812345678L, e.packetId());
        assertEquals(4026531840L, e.netnsInode());
        assertEquals(7, e.ifindex());
        assertEquals("eth0", e.ifname());
        assertEquals("tx", e.hook());
        assertEquals("netpath", e.probe());
        assertEquals(4242, e.pid());
        assertEquals(99, e.socketInode());
        assertEquals(4, e.family());
        assertEquals(InetAddress.getByName("198.18.1.2"), e.srcAddress());
        assertEquals(InetAddress.getByName("198.18.2.2"), e.dstAddress());
        assertTrue(e.isEchoRequest());
        assertEquals(0xbeef, e.icmpId());
        assertEquals(3, e.icmpSeq());
        assertEquals(0, e.srcPort());
        assertEquals(-1, e.dropReason());
        assertFalse(e.hasReturnValue());
    }

    @Test
    void decodesUdpOverIpv6AndCachesNames() throws Exception {
        byte[] s = InetAddress.getByName("2001:db8:1::2").getAddress();
        byte[] d = InetAddress.getByName("2001:db8:2::2").getAddress();
        PacketEvent e = new PacketEvent();
        assertTrue(decoder.decode(record(2, 1 | 2, s, d, 17, "veth-a"), BASE, 120, e));
        assertEquals(6, e.family());
        assertEquals(17, e.protocol());
        assertEquals(40000, e.srcPort());
        assertEquals(53, e.dstPort());
        assertEquals(-1, e.icmpType());
        assertEquals(InetAddress.getByName("2001:db8:2::2"), e.dstAddress());
        String first = e.ifname();
        PacketEvent again = new PacketEvent();
        decoder.decode(record(2, 3, s, d, 17, "veth-a"), BASE, 120, again);
        assertSame(first, again.ifname(), "a repeated interface name must come from the cache");
        decoder.decode(record(2, 3, s, d, 17, "veth-b"), BASE, 120, again);
        assertEquals("veth-b", again.ifname(), "a renamed interface must be seen");
    }

    @Test
    void rejectsShortRecords() {
        assertFalse(decoder.decode(ByteBuffer.allocate(64), 0, 64, new PacketEvent()));
    }
}
