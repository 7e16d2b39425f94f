package io.pkttrace.plugins.sinks.json;

import static io.pkttrace.plugins.sinks.TestEvents.at;
import static io.pkttrace.plugins.sinks.TestEvents.echo;
import static io.pkttrace.plugins.sinks.TestEvents.ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonSinkTest {
    /** Makes ts_ns 5 000 000 123 read as 2025-06-15T15:06:40.000000123Z. */
    static final long OFFSET = 1_750_000_000_000_000_000L - 5_000_000_000L;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private JsonSink sink(boolean summary) throws PkttraceException {
        JsonSink s = new JsonSink(new JsonConfig(OutputTarget.stdout("sink json"), summary, OFFSET), bytes);
        s.start();
        return s;
    }

    private List<String> lines() {
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.isEmpty() || text.endsWith("\n"), "every object ends its line: " + text);
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1);
    }

    private List<JsonNode> objects() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : lines()) {
            JsonNode n = MAPPER.readTree(l);
            assertTrue(n.isObject(), l);
            out.add(n);
        }
        return out;
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> s = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            s.add(it.next());
        }
        return s;
    }

    static PacketEvent pingRequest() {
        return echo(at(5_000_000_123L, 0xffff888004a1c000L, 4026532281L, "pt-client", "eth0", "tx")
                .cpu(1).pid(4242).socketInode(77001), "198.18.1.2", "198.18.2.2", true, 7, 1);
    }

    @Test
    void theDocumentedExampleLineExactly() throws Exception {
        JsonSink s = sink(false);
        s.accept(pingRequest());
        s.flush();
        assertEquals(List.of("{\"v\":1,\"ts_ns\":5000000123,\"time\":\"2025-06-15T15:06:40.000000123Z\",\"cpu\":1,"
                + "\"probe\":\"netpath\",\"hook\":\"tx\",\"packet_id\":\"0xffff888004a1c000\",\"netns\":4026532281,"
                + "\"netns_name\":\"pt-client\",\"ifindex\":2,\"ifname\":\"eth0\",\"pid\":4242,\"len\":84,\"sock_ino\":77001,"
                + "\"family\":4,\"src\":\"198.18.1.2\",\"dst\":\"198.18.2.2\",\"proto\":1,\"icmp_type\":8,\"icmp_code\":0,"
                + "\"icmp_id\":7,\"icmp_seq\":1}"), lines());
    }

    @Test
    void outputAppearsAtFlushOncePerBatch() throws Exception {
        JsonSink s = sink(false);
        s.accept(pingRequest());
        s.accept(pingRequest());
        assertEquals(0, bytes.size(), "buffered until the end of the batch");
        s.flush();
        assertEquals(2, lines().size());
    }

    @Test
    void oddNamesStayValidJson() throws Exception {
        String ifname = "we\"ird\\if\u0001\n\t";
        String netnsName = "ns é ✓ \u007f";
        String hook = "fn\"with\\quote";
        JsonSink s = sink(false);
        s.accept(at(1, 2, 3, netnsName, ifname, hook));
        s.flush();
        assertEquals(1, lines().size(), "control characters are escaped, the object stays on one line");
        JsonNode n = objects().get(0);
        assertEquals(ifname, n.get("ifname").asText());
        assertEquals(netnsName, n.get("netns_name").asText());
        assertEquals(hook, n.get("hook").asText());
    }

    @Test
    void optionalFieldsOnlyWhenSet() throws Exception {
        JsonSink s = sink(false);
        // No IP header, no packet id, no namespace: only the always-present fields.
        s.accept(new PacketEvent().timestampNs(10).hook("rx").probe("netpath"));
        // TCP: ports, no ICMP fields.
        s.accept(ports(at(11, 1, 5, null, "eth0", "tx"), PacketEvent.PROTO_TCP, "10.0.0.1", 40000, "10.0.0.2", 80));
        // ICMP that is not an echo: type and code, no id or sequence.
        s.accept(at(12, 1, 5, null, "eth0", "rx").family(4).src(new byte[4]).dst(new byte[4]).protocol(1).icmpType(3).icmpCode(1));
        // Probe-specific fields: a return value of 0 is still a return value.
        s.accept(at(13, 1, 5, null, null, "ipt_do_table").returnValue(0).netfilter("filter", "FORWARD", "DROP")
                .drop(12, "NETFILTER_DROP"));
        // UDP without its header (a non-first fragment): no ports rather than port 0.
        s.accept(ports(at(14, 1, 5, null, "eth0", "rx"), PacketEvent.PROTO_UDP, "10.0.0.1", 0, "10.0.0.2", 0));
        s.flush();
        List<JsonNode> o = objects();
        assertFalse(fields(o.get(4)).contains("sport"));
        assertEquals(17, o.get(4).get("proto").asInt());
        assertEquals(new TreeSet<>(List.of("v", "ts_ns", "time", "cpu", "probe", "hook", "pid", "len")), fields(o.get(0)));
        assertEquals(new TreeSet<>(List.of("v", "ts_ns", "time", "cpu", "probe", "hook", "packet_id", "netns", "ifindex",
                "ifname", "pid", "len", "family", "src", "dst", "proto", "sport", "dport")), fields(o.get(1)));
        assertEquals(40000, o.get(1).get("sport").asInt(), "ports in host order");
        assertEquals(80, o.get(1).get("dport").asInt());
        assertTrue(fields(o.get(2)).containsAll(List.of("icmp_type", "icmp_code")));
        assertFalse(fields(o.get(2)).contains("icmp_id"));
        assertFalse(fields(o.get(2)).contains("sport"));
        JsonNode p = o.get(3);
        assertEquals(0, p.get("ret").asLong());
        assertEquals("filter", p.get("nf_table").asText());
        assertEquals("FORWARD", p.get("nf_chain").asText());
        assertEquals("DROP", p.get("nf_verdict").asText());
        assertEquals(12, p.get("drop_reason").asInt());
        assertEquals("NETFILTER_DROP", p.get("drop_reason_name").asText());
        assertFalse(fields(p).contains("ifname"));
        assertFalse(fields(p).contains("family"));
    }

    @Test
    void ipv6AddressesAreRfc5952AndNegativeReturnValuesSigned() throws Exception {
        JsonSink s = sink(false);
        s.accept(echo(at(1, 1, 1, null, "eth0", "rx"), "2001:db8:1:0:0:0:0:2", "2001:db8:2::2", false, 9, 3).returnValue(-22));
        s.flush();
        JsonNode n = objects().get(0);
        assertEquals("2001:db8:1::2", n.get("src").asText());
        assertEquals("2001:db8:2::2", n.get("dst").asText());
        assertEquals(6, n.get("family").asInt());
        assertEquals(58, n.get("proto").asInt());
        assertEquals(129, n.get("icmp_type").asInt());
        assertEquals(-22, n.get("ret").asLong());
    }

    @Test
    void timeIsMonotonicPlusTheOffsetMeasuredAtStart() throws Exception {
        JsonSink s = new JsonSink(new JsonConfig(OutputTarget.stdout("sink json"), false, null), bytes);
        s.start();
        long mono = System.nanoTime();
        Instant wall = Instant.now();
        s.accept(at(mono, 1, 1, null, "lo", "tx"));
        s.flush();
        Instant t = Instant.parse(objects().get(0).get("time").asText());
        long diffMs = Math.abs(t.toEpochMilli() - wall.toEpochMilli());
        // A wrong clock (CLOCK_REALTIME, a unit mix-up) is off by years. Within a second: the offset is measured
        // once per JVM (maybe minutes ago, the wall clock slewed since) and a loaded machine may preempt this
        // thread between its two clock reads.
        assertTrue(diffMs < 1000, "System.nanoTime is CLOCK_MONOTONIC, as ts_ns: off by " + diffMs + " ms");
    }

    @Test
    void noSummaryUnlessAskedFor() throws Exception {
        JsonSink s = sink(false);
        s.accept(pingRequest());
        s.finish(new RunStats(5, 5, 0, 0, 0, 1));
        s.close();
        assertEquals(1, lines().size(), "the stream stays pure events");

        bytes.reset();
        JsonSink t = sink(true);
        t.accept(pingRequest());
        t.finish(new RunStats(5, 4, 1, 2, 3, 1));
        t.close();
        List<JsonNode> o = objects();
        assertEquals(2, o.size());
        JsonNode sum = o.get(1);
        assertEquals("summary", sum.get("type").asText());
        assertEquals(1, sum.get("v").asInt());
        assertEquals(5, sum.get("produced").asLong());
        assertEquals(4, sum.get("delivered").asLong());
        assertEquals(1, sum.get("lost_in_kernel").asLong());
        assertEquals(2, sum.get("filtered_in_kernel").asLong());
        assertEquals(3, sum.get("filtered_in_java").asLong());
        assertEquals(1, sum.get("emitted").asLong());
        assertFalse(o.get(0).has("type"), "events carry no type field");
    }

    @Test
    void manyEventsAreOneParseableObjectPerLine() throws Exception {
        JsonSink s = sink(false);
        for (int i = 0; i < 5000; i++) {
            s.accept(echo(at(i, 0x1000 + i, 7, "n", "veth" + i, i % 2 == 0 ? "tx" : "rx"), "198.18.1.2", "198.18.2.2", true, 1, i));
            if (i % 100 == 0) {
                s.flush();
            }
        }
        s.flush();
        List<JsonNode> o = objects();
        assertEquals(5000, o.size());
        for (int i = 0; i < 5000; i++) {
            assertEquals(i, o.get(i).get("icmp_seq").asInt());
            assertEquals("0x" + Long.toHexString(0x1000 + i), o.get(i).get("packet_id").asText());
        }
    }

    @Test
    void theHotPathDoesNotAllocate() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        JsonSink s = new JsonSink(new JsonConfig(OutputTarget.stdout("sink json"), false, OFFSET), OutputStream.nullOutputStream());
        s.start();
        PacketEvent v4 = pingRequest();
        PacketEvent v6 = echo(at(5, 0xffff888004a1c000L, 4026532281L, "pt-client", "eth0", "rx"), "2001:db8:1::2", "2001:db8:2::2", false, 7, 1);
        for (int i = 0; i < 200_000; i++) { // warm up: let the JIT compile it
            s.accept(i % 2 == 0 ? v4 : v6);
        }
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            s.accept(i % 2 == 0 ? v4 : v6);
            if (i % 256 == 0) {
                s.flush();
            }
        }
        long perEvent = (mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / n;
        assertTrue(perEvent < 8, "allocated " + perEvent + " bytes per event");
    }

    @Test
    void writeFailureIsOneClearUserError() throws Exception {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        JsonSink s = new JsonSink(new JsonConfig(OutputTarget.parse("sink json", "/tmp/x.jsonl"), false, OFFSET), broken);
        s.start();
        s.accept(pingRequest());
        IllegalStateException e = assertThrows(IllegalStateException.class, s::flush);
        assertTrue(e.getCause() instanceof PkttraceException);
        assertEquals("sink json: writing to /tmp/x.jsonl failed (No space left on device)", ((PkttraceException) e.getCause()).userLine());
        s.accept(pingRequest()); // ignored after a failure, no second exception
        s.finish(new RunStats(0, 0, 0, 0, 0, 0));
        s.close();
    }

    @Test
    void factoryOptions(@TempDir Path dir) throws Exception {
        JsonSinkFactory f = new JsonSinkFactory();
        JsonConfig def = f.configure(Options.empty("sink json"));
        assertTrue(def.output().isStdout());
        assertFalse(def.summary());
        assertEquals(null, def.clockOffsetNs());
        JsonConfig c = f.configure(Options.parse("sink json", List.of("output=" + dir.resolve("f.jsonl"), "summary=true", "clock-offset-ns=-5")));
        assertEquals(dir.resolve("f.jsonl"), c.output().path());
        assertTrue(c.summary());
        assertEquals(-5L, c.clockOffsetNs());
        assertTrue(f.configure(Options.parse("sink json", List.of("output=-"))).output().isStdout());
        assertEquals("sink json: unknown option 'outptu': valid options: clock-offset-ns, output, summary",
                assertThrows(ConfigException.class, () -> f.configure(Options.parse("sink json", List.of("outptu=x")))).userLine());
        assertEquals("sink json: output '" + dir + "' is a directory: give a file name",
                assertThrows(ConfigException.class, () -> f.configure(Options.parse("sink json", List.of("output=" + dir)))).userLine());
        assertTrue(assertThrows(ConfigException.class, () -> f.configure(Options.parse("sink json",
                List.of("output=" + dir.resolve("missing/f.jsonl"))))).userLine().contains("does not exist"));
        assertFalse(Files.exists(dir.resolve("f.jsonl")), "configure does not create the file");
    }

    @Test
    void startCreatesTheFileAndCloseClosesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (java.io.OutputStream earlier = io.pkttrace.plugins.sinks.OutputTarget.parse("sink json", file.toString()).open()) {
            earlier.write("an earlier run's output, which must go\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        JsonSinkFactory f = new JsonSinkFactory();
        JsonSink s = (JsonSink) f.create(f.configure(Options.parse("sink json", List.of("output=" + file))));
        s.start();
        s.accept(pingRequest());
        s.flush();
        s.finish(new RunStats(0, 1, 0, 0, 0, 1));
        s.close();
        List<String> l = Files.readAllLines(file);
        assertEquals(1, l.size());
        assertEquals(7, MAPPER.readTree(l.get(0)).get("icmp_id").asInt());
    }

    @Test
    void unwritableFileFailsAtStart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ro.jsonl");
        Files.writeString(file, "");
        file.toFile().setWritable(false);
        JsonSinkFactory f = new JsonSinkFactory();
        JsonSink s = (JsonSink) f.create(f.configure(Options.parse("sink json", List.of("output=" + file))));
        if (file.toFile().canWrite()) {
            return; // root ignores the mode
        }
        PkttraceException e = assertThrows(PkttraceException.class, s::start);
        assertTrue(e.userLine().startsWith("sink json: cannot write " + file), e.userLine());
        s.close();
    }
}
