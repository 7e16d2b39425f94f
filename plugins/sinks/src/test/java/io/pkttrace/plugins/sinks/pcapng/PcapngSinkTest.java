package io.pkttrace.plugins.sinks.pcapng;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.plugins.sinks.OutputTarget;
import io.pkttrace.plugins.sinks.TestEvents;
import io.pkttrace.core.testing.Tshark;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink's captures as tshark reads them: interfaces, times, lengths, direction, comments, events without bytes. */
class PcapngSinkTest {
    /** IPv4 UDP 198.18.1.2:40000 -> 198.18.2.2:53, total length 48 (20 bytes of payload not captured). */
    private static final byte[] UDP4 = HexFormat.of().parseHex("45000030" + "00014000" + "40110000" + "c6120102" + "c6120202"
            + "9c400035" + "001c0000");
    private static final long OFFSET = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    private static PacketEvent udp(PacketEvent e) {
        return TestEvents.ports(e, PacketEvent.PROTO_UDP, "198.18.1.2", 40000, "198.18.2.2", 53).packetBytes(UDP4, 0, UDP4.length);
    }

    @Test
    void eventsBecomePacketsOnTheirNamespacesInterfaces() throws Exception {
        Path file = dir.resolve("t.pcapng");
        PcapngSink sink = new PcapngSink(new PcapngConfig(OutputTarget.stdout("sink pcapng"), 16, OFFSET), Files.newOutputStream(file));
        sink.start();
        // A transmit in a named namespace (length 62: the record counts the Ethernet header at transmit).
        sink.accept(udp(TestEvents.at(1_000, 0xffff888000001000L, 4026532177L, "ptns-a", "eth0", "tx")).length(62));
        sink.accept(udp(TestEvents.at(2_000, 0xffff888000001000L, 4026532178L, null, "veth1", "rx")).length(48));
        // Freed without a device, not captured: no bytes, still a packet with its comment.
        sink.accept(TestEvents.at(3_000, 0xffff888000001000L, 4026532178L, null, null, "drop").drop(2, "NO_SOCKET"));
        sink.accept(udp(TestEvents.at(4_000, 0xffff888000002000L, 4026532177L, "ptns-a", "eth0", "input")).probe("netfilter")
                .netfilter("filter", "INPUT", "DROP").nfFamily("ip").nfRule(4, "udp dport 53 drop", false).length(48));
        // A traced function's return (vrouter): the hook names the function.
        sink.accept(TestEvents.at(5_000, 0xffff888000003000L, 4026532177L, "ptns-a", "eth0", "vr_fabric_input").probe("vrouter")
                .call(PacketEvent.CALL_RETURN, 0).returnValue(0).returnValueName("OK").length(48));
        sink.finish(new RunStats(5, 5, 0, 0, 0, 5));
        sink.close();

        List<String> rows = Tshark.fields(file, "frame.interface_name", "frame.time_epoch", "frame.p2p_dir",
                "ip.src", "udp.dstport", "frame.len", "frame.cap_len", "frame.comment");
        assertEquals(List.of(
                "ptns-a/eth0|1700000000.000001000|0|198.18.1.2||48|16|netpath tx; netns ptns-a (4026532177); packet 0xffff888000001000",
                "4026532178/veth1|1700000000.000002000|1|198.18.1.2||48|16|netpath rx; netns 4026532178; packet 0xffff888000001000",
                "4026532178/-|1700000000.000003000||||84|0|netpath drop; netns 4026532178; packet 0xffff888000001000; drop NO_SOCKET;"
                        + " no packet bytes",
                "ptns-a/eth0|1700000000.000004000|1|198.18.1.2||48|16|netfilter input; netns ptns-a (4026532177); packet"
                        + " 0xffff888000002000; verdict ip filter INPUT DROP (rule 4)",
                "ptns-a/eth0|1700000000.000005000||||48|0|vrouter function vr_fabric_input return = 0 (OK); netns ptns-a"
                        + " (4026532177); packet 0xffff888000003000; no packet bytes"), rows);
    }

    @Test
    void snapLengthIsWhatTheSinkAsksFor() {
        assertEquals(PcapngConfig.DEFAULT_SNAP_LENGTH, new PcapngSink(new PcapngConfig(OutputTarget.stdout("x"), 128, null), null).packetBytes());
        assertEquals(64, new PcapngSink(new PcapngConfig(OutputTarget.stdout("x"), 64, null), OutputStream.nullOutputStream()).packetBytes());
    }

    @Test
    void lengthComesFromTheIpHeader() {
        assertEquals(48, PcapngSink.ipLength(UDP4, UDP4.length, 62));
        byte[] v6 = HexFormat.of().parseHex("600000000008114020010db8");
        assertEquals(48, PcapngSink.ipLength(v6, v6.length, 99));
        assertEquals(99, PcapngSink.ipLength(v6, 3, 99), "too short to tell: the record's length");
    }
}
