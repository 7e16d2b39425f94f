package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkttrace.topology.DemoTopology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The json sink against real traffic in the demo namespaces, and {@code pkttrace replay} of its
 * recordings: every line has the documented fields (docs/json-schema.md), the flow sink shows the
 * request's path client eth0 tx, router r0 rx, router r1 tx, server eth0 rx, with its reply paired,
 * output is live, and replay needs no root.
 */
class JsonFlowIT extends WithDemoTopology {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("v", "ts_ns", "time", "cpu", "probe", "hook", "packet_id", "netns",
            "netns_name", "ifindex", "ifname", "pid", "len", "sock_ino", "family", "src", "dst", "proto", "sport", "dport",
            "icmp_type", "icmp_code", "icmp_id", "icmp_seq", "ret", "nf_table", "nf_chain", "nf_verdict", "nf_family", "nf_target",
            "nf_policy", "nf_rule_handle", "nf_rule", "nf_rule_stale", "drop_reason", "drop_reason_name");

    @TempDir
    Path dir;

    private List<FlowBlocks.Hop> requestPath() {
        return List.of(FlowBlocks.at(topo.clientName(), "eth0", "tx"), FlowBlocks.at(topo.routerName(), "r0", "rx"),
                FlowBlocks.at(topo.routerName(), "r1", "tx"), FlowBlocks.at(topo.serverName(), "eth0", "rx"));
    }

    private List<FlowBlocks.Hop> replyPath() {
        return List.of(FlowBlocks.at(topo.serverName(), "eth0", "tx"), FlowBlocks.at(topo.routerName(), "r1", "rx"),
                FlowBlocks.at(topo.routerName(), "r0", "tx"), FlowBlocks.at(topo.clientName(), "eth0", "rx"));
    }

    /** Checks one line against docs/json-schema.md; returns the parsed object. */
    static JsonNode checkSchema(String line) throws IOException {
        JsonNode n = MAPPER.readTree(line);
        assertTrue(n.isObject(), line);
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            assertTrue(FIELDS.contains(f), "undocumented field " + f + ": " + line);
        }
        assertEquals(1, n.path("v").asInt(-1), line);
        for (String f : List.of("ts_ns", "cpu", "pid", "len")) {
            assertTrue(n.path(f).isIntegralNumber(), f + " is an integer: " + line);
        }
        for (String f : List.of("time", "hook", "probe")) {
            assertTrue(n.path(f).isTextual(), f + " is a string: " + line);
        }
        Instant.parse(n.get("time").asText());
        if (n.has("packet_id")) {
            assertTrue(n.get("packet_id").asText().matches("0x[0-9a-f]{1,16}"), line);
        }
        for (String f : List.of("netns", "ifindex", "sock_ino")) {
            assertTrue(!n.has(f) || n.get(f).asLong() > 0, f + " only when set: " + line);
        }
        boolean ip = n.has("family");
        for (String f : List.of("src", "dst", "proto")) {
            assertEquals(ip, n.has(f), f + " with family: " + line);
        }
        if (ip) {
            int family = n.get("family").asInt();
            assertTrue(family == 4 || family == 6, line);
            assertEquals(family == 6, n.get("src").asText().contains(":"), line);
            int proto = n.get("proto").asInt();
            assertEquals(n.has("sport"), n.has("dport"), line);
            assertTrue(!n.has("sport") || proto == 6 || proto == 17, "ports only for tcp/udp: " + line);
            assertTrue(!n.has("icmp_type") || proto == 1 || proto == 58, "icmp fields only for icmp: " + line);
        } else {
            assertFalse(n.has("sport") || n.has("icmp_type"), line);
        }
        assertEquals(n.has("icmp_id"), n.has("icmp_seq"), line);
        assertTrue(!n.has("icmp_id") || n.has("icmp_type"), line);
        assertTrue(!n.has("drop_reason_name") || n.has("drop_reason"), line);
        return n;
    }

    /** Checks every line; all share one clock offset (time - ts_ns), close to now. */
    static List<JsonNode> checkFile(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        assertFalse(lines.isEmpty(), "no events in " + f);
        List<JsonNode> out = new ArrayList<>();
        Long offset = null;
        for (String line : lines) {
            JsonNode n = checkSchema(line);
            Instant t = Instant.parse(n.get("time").asText());
            long o = t.getEpochSecond() * 1_000_000_000L + t.getNano() - n.get("ts_ns").asLong();
            if (offset == null) {
                offset = o;
                assertTrue(Duration.between(t, Instant.now()).abs().toMinutes() < 10, "wall-clock time is now: " + line);
            }
            assertEquals(offset, o, "one monotonic-to-wall-clock offset for the whole run: " + line);
            out.add(n);
        }
        return out;
    }

    private static FlowBlocks.Block find(List<FlowBlocks.Block> blocks, String headerRegex, List<FlowBlocks.Hop> firstHops, String output) {
        for (FlowBlocks.Block b : blocks) {
            if (b.header().matches(headerRegex) && b.places().size() >= firstHops.size()
                    && b.places().subList(0, firstHops.size()).equals(firstHops)) {
                return b;
            }
        }
        throw new AssertionError("no packet like /" + headerRegex + "/ with path " + firstHops + " in:\n" + output);
    }

    @Test
    void pingRecordsJsonAndReplayShowsTheRequestPathWithItsReplyPaired() throws Exception {
        Path f = dir.resolve("ping.jsonl");
        Cli.Result res = Cli.run("ping", "--netns", topo.clientName(), "-c", "1", "--sink", "json:output=" + f, DemoTopology.SERVER_V4);
        assertEquals(0, res.exit(), res.toString());
        assertEquals("", res.out(), "the JSON went to the file");
        List<JsonNode> events = checkFile(f);
        assertEquals(8, events.size(), Files.readString(f));
        JsonNode first = events.get(0);
        assertEquals("tx", first.get("hook").asText());
        assertEquals(topo.clientName(), first.get("netns_name").asText());
        assertEquals(topo.clientInode(), first.get("netns").asLong());
        assertEquals("eth0", first.get("ifname").asText());
        assertEquals(DemoTopology.CLIENT_V4, first.get("src").asText());
        assertEquals(DemoTopology.SERVER_V4, first.get("dst").asText());
        assertEquals(1, first.get("proto").asInt());
        assertEquals(8, first.get("icmp_type").asInt());
        assertEquals(1, first.get("icmp_seq").asInt());

        Cli.Result flow = Cli.run("replay", f.toString(), "--sink", "flow");
        assertEquals(0, flow.exit(), flow.toString());
        List<FlowBlocks.Block> blocks = FlowBlocks.parse(flow.out());
        FlowBlocks.Block req = find(blocks, "#\\d+ request 198\\.18\\.1\\.2 -> 198\\.18\\.2\\.2 id \\d+ seq 1: 4 hops in [0-9.]+ µs, .*answered by #\\d+",
                requestPath(), flow.out());
        assertEquals(requestPath(), req.places(), flow.out());
        String n = req.header().substring(1, req.header().indexOf(' '));
        FlowBlocks.Block rep = find(blocks, "#\\d+ reply 198\\.18\\.2\\.2 -> 198\\.18\\.1\\.2 id \\d+ seq 1: 4 hops in [0-9.]+ µs, .*; reply to #" + n
                + " after [0-9.]+ µs", replyPath(), flow.out());
        assertEquals(replyPath(), rep.places(), flow.out());
        assertTrue(req.header().endsWith("answered by " + rep.header().substring(0, rep.header().indexOf(' '))), flow.out());
        assertTrue(flow.out().endsWith("flow: 2 packets, 1 reply paired with a request, 0 evicted\n"), flow.out());
    }

    @Test
    void traceWithTwoSinksThenReplayFlowsOfIpv4AndIpv6() throws Exception {
        Path f = dir.resolve("trace.jsonl");
        // Only the test's own subnets: other traffic on the host (another test, a benchmark) must not matter.
        // Ended by Ctrl-C once the pings are done: no fixed window they must fit in on a slow machine.
        Cli.Result res;
        try (BackgroundTrace trace = new BackgroundTrace("trace", "--probe", "netpath:hooks=tx,rx,drop,consume",
                "-a", "either=198.18.1.0/24,2001:db8:1::/64", "--sink", "json:output=" + f, "--sink", "console")) {
            trace.awaitTracing();
            ping(false, 3);
            ping(true, 1);
            res = trace.stopWithCtrlC();
        }
        assertTrue(res.out().contains("[" + topo.clientInode() + " (" + topo.clientName() + ")]"),
                "the console sink ran alongside the json sink: " + res.out());
        List<JsonNode> events = checkFile(f);
        assertTrue(events.stream().anyMatch(e -> "consume".equals(e.path("hook").asText())), "consume events recorded");

        Cli.Result flow = Cli.run("replay", f.toString(), "--sink", "flow");
        assertEquals(0, flow.exit(), flow.toString());
        List<FlowBlocks.Block> blocks = FlowBlocks.parse(flow.out());
        List<FlowBlocks.Hop> toServer = new ArrayList<>(requestPath());
        toServer.add(FlowBlocks.at(topo.serverName(), "eth0", "consume"));
        for (int seq = 1; seq <= 3; seq++) {
            FlowBlocks.Block req = find(blocks, "#\\d+ request 198\\.18\\.1\\.2 -> 198\\.18\\.2\\.2 id \\d+ seq " + seq
                    + ": 5 hops in [0-9.]+ µs, consumed; answered by #\\d+", toServer, flow.out());
            assertEquals(toServer, req.places());
            String n = req.header().substring(1, req.header().indexOf(' '));
            find(blocks, "#\\d+ reply 198\\.18\\.2\\.2 -> 198\\.18\\.1\\.2 id \\d+ seq " + seq + ": .*; reply to #" + n
                    + " after [0-9.]+ µs", replyPath(), flow.out());
        }
        // IPv6: the first packet waits for neighbour discovery; the request that got through is paired.
        FlowBlocks.Block req6 = find(blocks, "#\\d+ request 2001:db8:1::2 -> 2001:db8:2::2 id \\d+ seq 1: .*answered by #\\d+",
                requestPath(), flow.out());
        String n6 = req6.header().substring(1, req6.header().indexOf(' '));
        find(blocks, "#\\d+ reply 2001:db8:2::2 -> 2001:db8:1::2 id \\d+ seq 1: .*; reply to #" + n6 + " after [0-9.]+ µs",
                replyPath(), flow.out());
        assertTrue(flow.out().matches("(?s).*\nflow: \\d+ packets, \\d+ replies paired with a request, 0 evicted\n"), flow.out());

        // Replayed into the json sink, the recording comes back byte for byte (times included).
        Path again = dir.resolve("again.jsonl");
        Cli.Result json = Cli.run("replay", f.toString(), "--sink", "json:output=" + again);
        assertEquals(0, json.exit(), json.toString());
        assertEquals(Files.readString(f), Files.readString(again));
    }

    @Test
    void replayTakesTheFiltersTraceTakes() throws Exception {
        Path f = dir.resolve("ping.jsonl");
        Cli.Result rec = Cli.run("ping", "--netns", topo.clientName(), "-c", "1", "--sink", "json:output=" + f, DemoTopology.SERVER_V4);
        assertEquals(0, rec.exit(), rec.toString());
        assertEquals(8, Files.readAllLines(f).size());
        Cli.Result requests = Cli.run("replay", f.toString(), "-a", "src=" + DemoTopology.CLIENT_V4);
        assertEquals(0, requests.exit(), requests.toString());
        List<TraceRow> rows = TraceRow.parse(requests.out());
        assertEquals(4, rows.size(), requests.toString());
        assertTrue(rows.stream().allMatch(r -> r.type().equals("request")), requests.out());
        Cli.Result replies = Cli.run("replay", f.toString(), "--filter", "fivetuple:src=" + DemoTopology.SERVER_V4);
        assertEquals(4, TraceRow.parse(replies.out()).stream().filter(r -> r.type().equals("reply")).count(), replies.toString());
        Path out = dir.resolve("requests.jsonl");
        Cli.Result json = Cli.run("replay", f.toString(), "--dst", DemoTopology.SERVER_V4, "--output", out.toString());
        assertEquals(0, json.exit(), json.toString());
        assertEquals(4, checkFile(out).size(), "--output is the json sink's short form in replay too");
        Cli.Result bad = Cli.run("replay", f.toString(), "-a", "dport=70000");
        assertEquals(2, bad.exit(), bad.toString());
        assertEquals(List.of("pkttrace: filter fivetuple (-a): dport: port 70000 is out of range: ports are 0 to 65535"), bad.errLines());
    }

    @Test
    void jsonOnStandardOutputIsLive() throws Exception {
        Path err = dir.resolve("live.err");
        Process trace = new ProcessBuilder(Cli.command(List.of(), "trace", "--probe", "netpath:hooks=tx,rx",
                "-a", "either=198.18.1.0/24", "--sink", "json"))
                .redirectError(err.toFile()).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(trace.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "json-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            awaitTracing(trace, err);
            ping(false, 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String ours = null;
            while (ours == null && System.nanoTime() < deadline) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l != null && l.contains("\"netns_name\":\"" + topo.clientName() + "\"")) {
                    ours = l;
                }
            }
            assertNotNull(ours, "an event of the ping arrives while pkttrace still runs: " + Files.readString(err));
            assertTrue(trace.isAlive());
            checkSchema(ours);
        } finally {
            trace.destroy(); // SIGTERM: the shutdown hook detaches and flushes
            assertTrue(trace.waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void replayNeedsNoRootAndReportsBadInputInOneLine() throws Exception {
        // A world-readable copy, replayed as nobody.
        Path pub = Files.createTempDirectory("pkttrace-replay", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            Path f = pub.resolve("ping.jsonl");
            Cli.Result rec = Cli.run("ping", "--netns", topo.clientName(), "-c", "1", "--sink", "json:output=" + f, DemoTopology.SERVER_V4);
            assertEquals(0, rec.exit(), rec.toString());
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> nobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
            Cli.Result flow = Cli.run(nobody, Map.of(), 60, "replay", f.toString(), "--sink", "flow", "--sink", "console");
            assertEquals(0, flow.exit(), flow.toString());
            assertTrue(flow.out().contains("reply to #"), flow.toString());
            assertTrue(flow.out().contains("NETWORK NS"), "the console sink ran too: " + flow);

            Cli.Result missing = Cli.run("replay", pub.resolve("nope.jsonl").toString());
            assertEquals(2, missing.exit(), missing.toString());
            assertEquals(List.of("pkttrace: cannot read " + pub.resolve("nope.jsonl") + ": no such file"), missing.errLines());

            Path bad = pub.resolve("bad.jsonl");
            List<String> good = Files.readAllLines(f);
            Files.writeString(bad, good.get(0) + "\n" + good.get(1).replace("\"v\":1", "\"v\":1,") + "\n");
            Cli.Result malformed = Cli.run("replay", bad.toString());
            assertEquals(2, malformed.exit(), malformed.toString());
            assertEquals(1, malformed.errLines().size(), malformed.toString());
            assertTrue(malformed.errLines().get(0).startsWith("pkttrace: " + bad + " line 2: invalid JSON: "), malformed.toString());
            assertEquals(2, malformed.out().lines().count(), "the event before the bad line is still shown: " + malformed);

            Files.writeString(bad, good.get(0) + "\n" + good.get(1).substring(0, 40));
            Cli.Result cut = Cli.run("replay", bad.toString());
            assertEquals(0, cut.exit(), cut.toString());
            assertEquals(List.of("pkttrace: warning: " + bad + " line 2: incomplete last line ignored (the recording was cut off)"),
                    cut.errLines());

            Cli.Result self = Cli.run("replay", f.toString(), "--sink", "json:output=" + f);
            assertEquals(2, self.exit(), self.toString());
            assertTrue(self.err().contains("is the file being replayed"), self.toString());
            assertEquals(good, Files.readAllLines(f), "the recording was not touched");
        } finally {
            try (var s = Files.list(pub)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(pub);
        }
    }

    private static void awaitTracing(Process p, Path err) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(err).contains("Ctrl-C to stop")) {
            assertTrue(p.isAlive(), "pkttrace ended early: " + Files.readString(err));
            assertTrue(System.nanoTime() < deadline, "pkttrace did not start tracing: " + Files.readString(err));
            Thread.sleep(50);
        }
    }

    private static void ping(boolean v6, int count) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", topo.clientName(), "ping", v6 ? "-6" : "-4", "-c", Integer.toString(count),
                "-i", "0.2", "-W", "10", v6 ? DemoTopology.SERVER_V6 : DemoTopology.SERVER_V4)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "ping " + (v6 ? "-6" : "-4") + " failed");
    }
}
