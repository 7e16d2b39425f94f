package io.pkttrace.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlEventReaderTest {
    static final String GOOD = "{\"v\":1,\"ts_ns\":5000000123,\"time\":\"2025-06-15T15:06:40.000000123Z\",\"cpu\":1,"
            + "\"probe\":\"netpath\",\"hook\":\"tx\",\"packet_id\":\"0xffff888004a1c000\",\"netns\":4026532281,"
            + "\"netns_name\":\"pt-client\",\"ifindex\":2,\"ifname\":\"eth0\",\"pid\":4242,\"len\":84,\"sock_ino\":77001,"
            + "\"family\":4,\"src\":\"198.18.1.2\",\"dst\":\"198.18.2.2\",\"proto\":1,\"icmp_type\":8,\"icmp_code\":0,"
            + "\"icmp_id\":7,\"icmp_seq\":1}";

    private static List<PacketEvent> readAll(String text) throws PkttraceException {
        List<PacketEvent> out = new ArrayList<>();
        try (JsonlEventReader r = new JsonlEventReader(new StringReader(text), "f.jsonl")) {
            PacketEvent e = new PacketEvent();
            while (r.next(e)) {
                out.add(e.copy());
            }
        }
        return out;
    }

    private static String error(String text) {
        return assertThrows(PkttraceException.class, () -> readAll(text)).userLine();
    }

    @Test
    void readsTheDocumentedExample() throws Exception {
        JsonlEventReader r = new JsonlEventReader(new StringReader(GOOD + "\n"), "f.jsonl");
        PacketEvent e = new PacketEvent();
        assertTrue(r.next(e));
        assertEquals(5_000_000_123L, e.timestampNs());
        assertEquals(0xffff888004a1c000L, e.packetId());
        assertEquals(4026532281L, e.netnsInode());
        assertEquals("pt-client", e.netnsName());
        assertEquals("eth0", e.ifname());
        assertEquals("tx", e.hook());
        assertEquals(InetAddress.getByName("198.18.1.2"), e.srcAddress());
        assertEquals(InetAddress.getByName("198.18.2.2"), e.dstAddress());
        assertTrue(e.isEchoRequest());
        assertEquals(7, e.icmpId());
        assertEquals(1, e.icmpSeq());
        assertFalse(e.hasReturnValue());
        assertEquals(-1, e.dropReason());
        assertEquals(1_750_000_000_000_000_000L - 5_000_000_000L, r.clockOffsetNs().getAsLong());
        assertFalse(r.next(e));
        assertEquals(1, r.events());
    }

    @Test
    void blankLinesSummariesAndUnknownFieldsAreSkipped() throws Exception {
        String text = "\n" + GOOD.replace("\"cpu\":1,", "\"cpu\":1,\"future_field\":{\"a\":[1,2]},") + "\r\n  \n"
                + "{\"v\":1,\"type\":\"summary\",\"emitted\":1}\n";
        assertEquals(1, readAll(text).size());
    }

    @Test
    void ipv6AndIpv4MappedAddresses() throws Exception {
        PacketEvent e = readAll("{\"v\":1,\"ts_ns\":1,\"family\":6,\"src\":\"2001:db8::1\",\"dst\":\"::ffff:198.18.1.2\",\"proto\":17,"
                + "\"sport\":5353,\"dport\":53}").get(0);
        assertEquals(InetAddress.getByName("2001:db8::1"), e.srcAddress());
        byte[] d = e.dstBytes();
        assertEquals(0xff, d[10] & 0xff);
        assertEquals(0xff, d[11] & 0xff);
        assertEquals(198, d[12] & 0xff);
        assertEquals(6, e.family());
        assertEquals(5353, e.srcPort());
    }

    @Test
    void probeSpecificFields() throws Exception {
        PacketEvent e = readAll("{\"v\":1,\"ts_ns\":1,\"hook\":\"drop\",\"ret\":-22,\"nf_table\":\"filter\",\"nf_chain\":\"FORWARD\","
                + "\"nf_verdict\":\"DROP\",\"drop_reason\":12,\"drop_reason_name\":\"NETFILTER_DROP\"}").get(0);
        assertEquals(-22, e.returnValue());
        assertTrue(e.hasReturnValue());
        assertEquals("FORWARD", e.nfChain());
        assertEquals(12, e.dropReason());
        assertEquals("NETFILTER_DROP", e.dropReasonName());
    }

    @Test
    void malformedLinesAreOneClearLineWithTheirNumber() {
        String ok = GOOD + "\n";
        assertEquals("f.jsonl line 2: invalid JSON: Unrecognized token 'hello': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                error(ok + "hello\n"));
        assertEquals("f.jsonl line 3: not a JSON object (expected JSON Lines written by --sink json)", error(ok + ok + "[1,2]\n"));
        assertEquals("f.jsonl line 1: no schema version \"v\" (expected JSON Lines written by --sink json)", error("{\"ts_ns\":1}\n"));
        assertEquals("f.jsonl line 1: schema version 2 is not supported (this pkttrace reads version 1): replay it with a matching pkttrace",
                error("{\"v\":2,\"ts_ns\":1}\n"));
        assertEquals("f.jsonl line 1: missing field 'ts_ns'", error("{\"v\":1}\n"));
        assertEquals("f.jsonl line 1: field 'ts_ns' must be an integer, got \"12\"", error("{\"v\":1,\"ts_ns\":\"12\"}\n"));
        assertEquals("f.jsonl line 1: field 'ifname' must be a string, got 3", error("{\"v\":1,\"ts_ns\":1,\"ifname\":3}\n"));
        assertEquals("f.jsonl line 1: field 'sport' is out of range: 70000", error("{\"v\":1,\"ts_ns\":1,\"sport\":70000}\n"));
        assertEquals("f.jsonl line 1: field 'ts_ns' is out of range: 99999999999999999999999",
                error("{\"v\":1,\"ts_ns\":99999999999999999999999}\n"));
        assertEquals("f.jsonl line 1: field 'src' is not an IPv4 address: \"example.com\"",
                error("{\"v\":1,\"ts_ns\":1,\"family\":4,\"src\":\"example.com\",\"dst\":\"1.2.3.4\"}\n"));
        assertEquals("f.jsonl line 1: field 'dst' is not an IPv6 address: \"1.2.3.4\"",
                error("{\"v\":1,\"ts_ns\":1,\"family\":6,\"src\":\"::1\",\"dst\":\"1.2.3.4\"}\n"));
        assertEquals("f.jsonl line 1: 'family' given without 'src' and 'dst'", error("{\"v\":1,\"ts_ns\":1,\"family\":4}\n"));
        assertEquals("f.jsonl line 1: field 'family' must be 4 or 6, got 5", error("{\"v\":1,\"ts_ns\":1,\"family\":5}\n"));
        assertEquals("f.jsonl line 1: field 'packet_id' must be a hex string like \"0xffff888004a1c000\", got \"12\"",
                error("{\"v\":1,\"ts_ns\":1,\"packet_id\":\"12\"}\n"));
        assertEquals("f.jsonl line 1: unknown record type 'metadata'", error("{\"v\":1,\"type\":\"metadata\"}\n"));
        assertEquals("f.jsonl line 1: more than one JSON value on the line", error("{\"v\":1,\"ts_ns\":1} {\"v\":1,\"ts_ns\":2}\n"));
        assertEquals("f.jsonl line 1: field 'time' is not an ISO-8601 time: 'yesterday'",
                error("{\"v\":1,\"ts_ns\":1,\"time\":\"yesterday\"}\n"));
        assertEquals("f.jsonl line 2: line longer than 1048576 characters", error(ok + "x".repeat(1 << 21) + "\n"),
                "the line that is too long, not the one before");
        assertTrue(error(ok + "{\"v\":1,\"ts_ns\":1,\n").startsWith("f.jsonl line 2: invalid JSON: Unexpected end-of-input"),
                "a cut-off line followed by a newline is an error, not a cut-off recording");
    }

    @Test
    void aLastLineCutOffMidWriteIsIgnoredAndReported() throws Exception {
        JsonlEventReader r = new JsonlEventReader(new StringReader(GOOD + "\n" + GOOD + "\n" + GOOD.substring(0, 70)), "f.jsonl");
        PacketEvent e = new PacketEvent();
        assertTrue(r.next(e));
        assertTrue(r.next(e));
        assertFalse(r.next(e));
        assertEquals("f.jsonl line 3: incomplete last line ignored (the recording was cut off)", r.truncatedTail());
        // Complete JSON without the final newline is simply the last event.
        assertEquals(2, readAll(GOOD + "\n" + GOOD).size());
        // Garbage without a newline is still an error.
        assertTrue(error(GOOD + "\nhello").startsWith("f.jsonl line 2: invalid JSON"));
    }

    @Test
    void fileErrors(@TempDir Path dir) throws Exception {
        assertEquals("cannot read " + dir.resolve("nope.jsonl") + ": no such file",
                assertThrows(PkttraceException.class, () -> JsonlEventReader.open(dir.resolve("nope.jsonl").toString())).userLine());
        assertEquals("cannot read " + dir + ": it is a directory: give a .jsonl file written by --sink json",
                assertThrows(PkttraceException.class, () -> JsonlEventReader.open(dir.toString())).userLine());
        Path f = dir.resolve("f.jsonl");
        Files.writeString(f, GOOD + "\n");
        try (JsonlEventReader r = JsonlEventReader.open(f.toString())) {
            assertTrue(r.next(new PacketEvent()));
        }
        Files.writeString(f, GOOD + "\n" + "{\"v\":1,\"ts_ns\":-1}\n");
        try (JsonlEventReader r = JsonlEventReader.open(f.toString())) {
            PacketEvent e = new PacketEvent();
            assertTrue(r.next(e));
            assertEquals(f + " line 2: field 'ts_ns' is out of range: -1", assertThrows(PkttraceException.class, () -> r.next(e)).userLine());
        }
    }
}
