package io.pkttrace.jmh;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.core.bpf.EventLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Standard records (struct pkttrace_event of the probe SDK's event.h, 120 bytes) as the probes write
 * them. The offsets below are the benchmark's data; {@link #layout()} checks them against the BTF.
 */
public final class Records {
    static final int SIZE = 120;
    static final int F_HAS_L3 = 1;
    static final int F_HAS_L4 = 1 << 1;
    /** Offset of the record in the buffer: after the ring's 8-byte record header, as in the ring. */
    static final int OFFSET = 8;

    private Records() {
    }

    /** The layout of the bench plugin's synthetic.bpf.o, which must be the one these records are written in. */
    public static EventLayout layout() {
        try (InputStream in = Records.class.getResourceAsStream("/bpf/synthetic.bpf.o")) {
            EventLayout l = EventLayout.of(Btf.fromElf(ByteBuffer.wrap(in.readAllBytes()), "synthetic.bpf.o"));
            if (l.size() != SIZE || l.hook() != 44 || l.ifname() != 96 || l.flags() != 112 || l.flagL3() != F_HAS_L3) {
                throw new IllegalStateException("struct pkttrace_event changed: update Records (" + l + ")");
            }
            return l;
        } catch (IOException | LayoutException e) {
            throw new IllegalStateException("cannot read the record layout of synthetic.bpf.o: " + e.getMessage(), e);
        }
    }

    /** What synthetic.bpf.c writes for one getppid() call. */
    public static ByteBuffer synthetic() {
        ByteBuffer b = ByteBuffer.allocateDirect(OFFSET + SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int o = OFFSET;
        b.putLong(o, 123_456_789_000L);     // ts_ns
        b.putInt(o + 24, (int) 4026531840L); // netns: the initial namespace's inode
        b.putInt(o + 32, 4242);              // pid
        b.putInt(o + 36, 110);               // len: the system call number
        b.putShort(o + 44, (short) 1);       // hook: sys_enter
        b.putShort(o + 90, (short) 1);       // cpu
        b.putInt(o + 92, -1);                // reason: none
        return b;
    }

    /** What netpath.bpf.c writes for a UDP datagram 198.18.0.1:40000 -> 198.18.0.2:9999 on veth "ptb0". */
    static ByteBuffer udp() {
        ByteBuffer b = ByteBuffer.allocateDirect(OFFSET + SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int o = OFFSET;
        b.putLong(o, 123_456_789_000L);
        b.putLong(o + 8, 0xffff_8881_0234_5600L); // skb
        b.putInt(o + 24, (int) 4026532177L);
        b.putInt(o + 28, 7);                       // ifindex
        b.putInt(o + 32, 4242);
        b.putInt(o + 36, 46);                      // len
        b.putShort(o + 44, (short) 1);             // hook: tx
        b.put(o + 46, (byte) 4);                   // family
        b.put(o + 47, (byte) 17);                  // UDP
        b.put(o + 48, (byte) 198).put(o + 49, (byte) 18).put(o + 50, (byte) 0).put(o + 51, (byte) 1);
        b.put(o + 64, (byte) 198).put(o + 65, (byte) 18).put(o + 66, (byte) 0).put(o + 67, (byte) 2);
        b.putShort(o + 80, (short) 40000);
        b.putShort(o + 82, (short) 9999);
        b.putShort(o + 90, (short) 1);
        b.putInt(o + 92, -1);
        byte[] name = "ptb0".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < name.length; i++) {
            b.put(o + 96 + i, name[i]);
        }
        b.putInt(o + 112, F_HAS_L3 | F_HAS_L4);
        return b;
    }

    /** Packet bytes a record carries when a sink asked for them (the pcapng sink's default snap length). */
    static final int SNAP = 128;

    /** {@link #udp()} with the record's tail as netpath writes it for a pcapng sink: caplen, then the datagram's first bytes. */
    static ByteBuffer udpWithBytes() {
        ByteBuffer b = ByteBuffer.allocateDirect(OFFSET + SIZE + SNAP).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, udp(), 0, OFFSET + SIZE);
        int o = OFFSET;
        b.putInt(o + 116, 46);                     // caplen: the whole 46-byte datagram
        byte[] ip = {0x45, 0, 0, 46, 0, 1, 0x40, 0, 0x40, 17, 0, 0, (byte) 198, 18, 0, 1, (byte) 198, 18, 0, 2,
            (byte) 0x9c, 0x40, 0x27, 0x0f, 0, 26, 0, 0};
        for (int i = 0; i < ip.length; i++) {
            b.put(o + SIZE + i, ip[i]);
        }
        return b;
    }
}
