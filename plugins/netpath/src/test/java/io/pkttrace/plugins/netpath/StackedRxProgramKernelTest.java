package io.pkttrace.plugins.netpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.core.bpf.DropReasons;
import io.pkttrace.core.bpf.EventLayout;
import io.pkttrace.core.bpf.HookNames;
import io.pkttrace.core.bpf.LibbpfObject;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.bpf.RingBuffer;
import io.pkttrace.core.bpf.StandardRecordDecoder;
import io.pkttrace.core.testing.KernelTestSupport;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packet taps' socket filter in the real kernel: it loads and passes the verifier as a socket
 * filter (bpf_cast_to_kern_ctx, the ring buffer, the kernel filter), runs on a frame through
 * BPF_PROG_TEST_RUN, accepts nothing (returns 0: the tap's socket never receives a byte), and records
 * the packet as the receive tracepoint would: hook rx, L3 tuple, length from L3, the sk_buff's address.
 * Whatever the stacked device's kind (macvlan here, VLAN, ipvlan, bond elsewhere), this program is
 * all that runs for it.
 */
class StackedRxProgramKernelTest {
    /** Ethernet + IPv4 (198.19.91.1 -> 198.19.91.2, ICMP) + echo request id 0x1234 seq 7 + 8 bytes. */
    private static byte[] frame() {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 16);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 36).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 1).putShort((short) 0)
                .put(new byte[] {(byte) 198, 19, 91, 1}).put(new byte[] {(byte) 198, 19, 91, 2});
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 0x1234).putShort((short) 7).putLong(42);
        return b.array();
    }

    @Test
    void recordsTheSkBuffAsAReceiveAndAcceptsNothing() throws Exception {
        KernelTestSupport.requireBpf();
        byte[] elf;
        try (InputStream in = NetpathProbe.class.getResourceAsStream(NetpathProbe.STACKED_OBJECT)) {
            elf = in.readAllBytes();
        }
        NativeBpf n = NativeBpf.get();
        try (LibbpfObject o = LibbpfObject.open(n, "netpath-taptest", elf)) {
            o.load();
            assertEquals(0, o.testRun(NetpathProbe.STACKED_RX_PROGRAM, frame()), "the tap's socket accepts nothing");
            List<PacketEvent> events = new ArrayList<>();
            StandardRecordDecoder decoder = new StandardRecordDecoder(EventLayout.of(o.btf()), "netpath",
                    HookNames.fromEnum(o.btf(), NetpathProbe.HOOK_ENUM), DropReasons.none());
            try (RingBuffer ring = new RingBuffer(n, o.mapFd("pt_events"), o.mapMaxEntries("pt_events"))) {
                ring.drain((data, offset, length) -> {
                    PacketEvent e = new PacketEvent();
                    if (decoder.decode(data, offset, length, e)) {
                        events.add(e);
                    }
                    return true;
                }, 16);
            }
            assertEquals(1, events.size(), events.toString());
            PacketEvent e = events.get(0);
            assertEquals("rx", e.hook());
            assertEquals("/198.19.91.1", e.srcAddress().toString());
            assertEquals("/198.19.91.2", e.dstAddress().toString());
            assertEquals(8, e.icmpType());
            assertEquals(0x1234, e.icmpId());
            assertEquals(7, e.icmpSeq());
            assertEquals(36, e.length(), "counted from L3, like the receive tracepoint");
            assertNotEquals(0, e.packetId(), "the sk_buff's address");
        }
    }
}
