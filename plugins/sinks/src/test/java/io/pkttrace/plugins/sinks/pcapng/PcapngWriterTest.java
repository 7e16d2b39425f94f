package io.pkttrace.plugins.sinks.pcapng;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkttrace.core.testing.Tshark;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's files, read back by the real consumer: tshark. */
class PcapngWriterTest {
    /** IPv4 ICMP echo request 198.18.1.2 -> 198.18.2.2, id 0x1234 seq 7, no payload. */
    private static final byte[] ICMP4 = HexFormat.of().parseHex(
            "4500001c" + "00014000" + "40010000" + "c6120102" + "c6120202" + "08000000" + "12340007");
    /** IPv6 UDP 2001:db8::1:2 -> 2001:db8::2:2, 5353 -> 9999, empty. */
    private static final byte[] UDP6 = HexFormat.of().parseHex(
            "6000000000081140" + "20010db8000000000000000000010002" + "20010db8000000000000000000020002"
                    + "14e9270f00080000");

    @TempDir
    Path dir;

    @Test
    void tsharkReadsInterfacesPacketsTimesAndComments() throws Exception {
        Path file = dir.resolve("t.pcapng");
        try (OutputStream o = Files.newOutputStream(file)) {
            PcapngWriter w = new PcapngWriter(o, 128);
            w.sectionHeader("pkttrace test");
            w.interfaceDescription(PcapngWriter.LINKTYPE_RAW, 128, "ptns-a/eth0", "netns 4026532177 (ptns-a), eth0");
            w.interfaceDescription(PcapngWriter.LINKTYPE_RAW, 128, "host/ptdoc0", "netns 4026531833, ptdoc0");
            byte[] c1 = "hook tx; packet 0xffff8880; netns 4026532177 (ptns-a)".getBytes(StandardCharsets.UTF_8);
            byte[] c2 = "hook drop; drop reason NO_SOCKET; héllo".getBytes(StandardCharsets.UTF_8);
            w.packet(0, 1_700_000_000_123_456_789L, ICMP4, 0, ICMP4.length, 84, PcapngWriter.OUTBOUND, c1, c1.length);
            w.packet(1, 1_700_000_000_123_999_001L, UDP6, 0, UDP6.length, UDP6.length, PcapngWriter.INBOUND, c2, c2.length);
            w.packet(1, 1_700_000_001_000_000_000L, ICMP4, 0, 20, 84, 0, c1, 0); // truncated capture, no comment
            w.flush();
        }
        List<String> rows = Tshark.fields(file, "frame.interface_name", "frame.time_epoch", "ip.src", "ip.dst", "icmp.seq",
                "ipv6.dst", "udp.dstport", "frame.len", "frame.cap_len", "frame.comment");
        assertEquals(List.of(
                "ptns-a/eth0|1700000000.123456789|198.18.1.2|198.18.2.2|7|||84|28|hook tx; packet 0xffff8880; netns 4026532177 (ptns-a)",
                "host/ptdoc0|1700000000.123999001||||2001:db8::2:2|9999|48|48|hook drop; drop reason NO_SOCKET; héllo",
                "host/ptdoc0|1700000001.000000000|198.18.1.2|198.18.2.2||||84|20|"), rows);
    }
}
