package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkttrace.topology.DemoTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The html sink from the real distribution: {@code pkttrace ping --sink html} through the demo
 * namespaces with an nftables rule dropping one echo request, {@code pkttrace replay --sink html} of
 * the same run's recording, and {@code pkttrace trace --sink html} ended by Ctrl-C. Each page is opened
 * in headless chromium and its rendered DOM checked: lanes, stations, every hop of every packet,
 * latency labels, the drop and its reason, each reply right under its request, and no label that
 * overlaps another or sticks out. Screenshots are kept in tests/target as build artifacts.
 */
class HtmlSinkIT extends WithDemoTopology {
    private static final Path ARTIFACTS = Path.of("target");
    private static final String NFT_TABLE = "pthtml";
    private static final int PINGS = 25;
    private static final int DROPPED_SEQ = 2;

    @TempDir
    Path dir;

    /** A request's hops: four device crossings, then the verdict of the test's own input chain in the server. */
    private List<String> requestPath() {
        return List.of(topo.clientName() + " eth0 tx", topo.routerName() + " r0 rx", topo.routerName() + " r1 tx",
                topo.serverName() + " eth0 rx", topo.serverName() + " eth0 input");
    }

    private List<String> replyPath() {
        return List.of(topo.serverName() + " eth0 tx", topo.routerName() + " r1 rx", topo.routerName() + " r0 tx",
                topo.clientName() + " eth0 rx");
    }

    @Test
    void pingThroughThreeNamespacesLiveAndReplayed() throws Exception {
        Path page = dir.resolve("ping.html");
        Path recording = dir.resolve("ping.jsonl");
        dropEchoRequest(DROPPED_SEQ);
        Cli.Result ping;
        try {
            ping = Cli.run("ping", "--netns", topo.clientName(), "-c", Integer.toString(PINGS), "--timeout", "1",
                    "--sink", "html:output=" + page, "--sink", "json:output=" + recording, DemoTopology.SERVER_V4);
        } finally {
            topo.server().exec("nft", "delete", "table", "inet", NFT_TABLE);
        }
        assertEquals(0, ping.exit(), "ping exits 0 when some replies came: " + ping);
        assertTrue(ping.err().contains(PINGS + " packets transmitted, " + (PINGS - 1) + " received"), "the rule dropped one: " + ping);
        Files.copy(page, ARTIFACTS.resolve("html-sink-ping.html"), StandardCopyOption.REPLACE_EXISTING);
        Chromium.screenshot(page, ARTIFACTS.resolve("html-sink-screenshot.png"), 1280, 640);
        Chromium.screenshot(page, ARTIFACTS.resolve("html-sink-screenshot-all.png"), 1280, 3600);
        JsonNode live = Chromium.inspect(page, dir);
        List<String> livePackets = checkPingPage(live, Files.readString(page));

        Path replayed = dir.resolve("replay.html");
        Cli.Result replay = Cli.run("replay", recording.toString(), "--sink", "html:output=" + replayed);
        assertEquals(0, replay.exit(), replay.toString());
        assertEquals("", replay.out() + replay.err(), "the page went to its file");
        Chromium.screenshot(replayed, ARTIFACTS.resolve("html-sink-replay-screenshot.png"), 1280, 640);
        JsonNode fromRecording = Chromium.inspect(replayed, dir);
        assertEquals(livePackets, checkPingPage(fromRecording, Files.readString(replayed)),
                "the recording replays to the same picture");

        // The page as shipped (no check script) renders the same drawing.
        String dom = Chromium.dumpDom(page);
        assertEquals(live.get("packets").size(), count(dom, "<g class=\"packet "), "chromium's DOM of the page itself");
        assertFalse(dom.contains("<script"), "the page has no script");
    }

    /** Checks a page of the ping run; returns one line per packet (title, hops, latencies) to compare pages. */
    private List<String> checkPingPage(JsonNode d, String html) throws Exception {
        String where = html.length() > 4000 ? html.substring(0, 4000) : html;
        assertEquals(List.of(), strings(d.get("overlaps")), "no label overlaps another");
        assertEquals(List.of(), strings(d.get("clipped")), "no label sticks out of its drawing");
        // Per packet at least a title, a detail line and three time labels.
        assertTrue(d.get("labels").asInt() >= 5 * (2 * PINGS - 1), "labels were measured: " + d.get("labels"));

        List<String> lanes = new ArrayList<>();
        d.get("lanes").forEach(l -> lanes.add(l.get("name").asText()));
        assertEquals(List.of(topo.clientName(), topo.routerName(), topo.serverName()), lanes, "namespaces as lanes, in path order");
        assertEquals(topo.clientInode(), d.get("lanes").get(0).get("netns").asLong());
        double right = 0;
        for (JsonNode l : d.get("lanes")) {
            assertTrue(l.get("box").get("x").asDouble() >= right - 0.5, "lanes side by side: " + d.get("lanes"));
            right = l.get("box").get("x").asDouble() + l.get("box").get("w").asDouble();
        }
        // Nine device stations and the server's netfilter input chain (the demo's rules) side by side.
        assertTrue(right <= 1366, "three namespaces fit a 1366 px window: " + right);
        Map<Integer, String> stations = new HashMap<>();
        for (JsonNode s : d.get("stations")) {
            stations.put(s.get("column").asInt(), s.get("ifname").asText() + " " + s.get("hook").asText());
            assertEquals(s.get("ifname").asText() + " " + s.get("hook").asText(), s.get("label").asText(), "station labels in full");
        }

        JsonNode packets = d.get("packets");
        assertEquals(2 * PINGS - 1, packets.size(), "every request and every reply but the dropped one's: " + where);
        List<String> summary = new ArrayList<>();
        Map<Integer, JsonNode> requests = new HashMap<>();
        int drops = 0;
        for (int i = 0; i < packets.size(); i++) {
            JsonNode p = packets.get(i);
            List<String> hops = new ArrayList<>();
            Map<Long, String> names = Map.of(topo.clientInode(), topo.clientName(), topo.routerInode(), topo.routerName(),
                    topo.serverInode(), topo.serverName());
            for (JsonNode h : p.get("hops")) {
                hops.add(names.get(h.get("netns").asLong()) + " " + h.get("ifname").asText() + " " + h.get("hook").asText());
                assertEquals(stations.get(h.get("column").asInt()), h.get("ifname").asText() + " " + h.get("hook").asText(),
                        "the hop is drawn under its station");
            }
            List<String> latencies = strings(p.get("latencies"));
            assertEquals(hops.size() - 1, latencies.size(), "a time label per hop after the first: " + p);
            assertEquals(hops.size() - 1, p.get("arrows").asInt(), "an arrow into every hop after the first: " + p);
            latencies.forEach(l -> assertTrue(l.matches("\\+[0-9]+\\.[0-9] µs|\\+[0-9]+\\.[0-9]{2} m?s"), l));
            int seq = Integer.parseInt(p.get("detail").asText().replaceAll("^id \\d+ seq (\\d+) · .*", "$1"));
            if (p.get("role").asText().equals("request")) {
                assertTrue(p.get("title").asText().matches("#\\d+ request 198\\.18\\.1\\.2 → 198\\.18\\.2\\.2"), p.toString());
                requests.put(seq, p);
                if (seq == DROPPED_SEQ) {
                    drops++;
                    List<String> dropped = new ArrayList<>(requestPath());
                    dropped.add(topo.serverName() + " eth0 drop");
                    assertEquals(dropped, hops, p.toString());
                    JsonNode verdict = p.get("hops").get(4);
                    assertEquals("verdict-drop", verdict.get("mark").asText());
                    assertEquals(List.of(NFT_TABLE + ".input", "DROP"), strings(verdict.get("notes")));
                    JsonNode drop = p.get("hops").get(5);
                    assertEquals("drop", drop.get("mark").asText());
                    assertEquals("NETFILTER_DROP", strings(drop.get("notes")).get(0));
                    assertTrue(p.get("outcome").asText().startsWith("dropped: NETFILTER_DROP " + NFT_TABLE + ".input"), p.toString());
                } else {
                    assertEquals(requestPath(), hops, p.toString());
                }
                assertSameRow(p, 1);
            } else {
                assertEquals("reply", p.get("role").asText(), p.toString());
                assertTrue(p.get("title").asText().matches("#\\d+ reply 198\\.18\\.2\\.2 → 198\\.18\\.1\\.2"), p.toString());
                assertEquals(replyPath(), hops, p.toString());
                assertSameRow(p, -1);
                // Beside its request: the very packet drawn before it, joined to it, the next row down.
                JsonNode before = packets.get(i - 1);
                assertEquals(before.get("number").asInt(), p.get("replyTo").asInt(), "reply right after its request");
                assertEquals(requests.get(seq), before);
                assertTrue(p.get("paired").asBoolean(), "a bracket joins it to its request");
                // The page writes a gap of a millisecond or more in ms ("after 1.18 ms" on a loaded CI machine).
                assertTrue(p.get("outcome").asText().matches("reply to #" + before.get("number").asInt()
                        + " after ([0-9]+\\.[0-9] µs|[0-9]+\\.[0-9]{2} ms|[0-9]+\\.[0-9]{2} s)"), p.toString());
                double gap = p.get("hops").get(0).get("cy").asDouble() - before.get("hops").get(0).get("cy").asDouble();
                assertTrue(gap > 20 && gap < 80, "the reply's row is right under the request's: " + gap);
            }
            summary.add(p.get("title").asText() + " | " + hops + " | " + latencies + " | " + p.get("outcome").asText());
        }
        assertEquals(1, drops);
        assertEquals(PINGS, requests.size());
        return summary;
    }

    /** All hops on one row, going right (+1) or left (-1) column by column. */
    private static void assertSameRow(JsonNode p, int direction) {
        JsonNode hops = p.get("hops");
        for (int i = 1; i < hops.size(); i++) {
            assertEquals(0, hops.get(i).get("row").asInt(), p.toString());
            assertEquals(hops.get(0).get("cy").asDouble(), hops.get(i).get("cy").asDouble(), 0.5, p.toString());
            assertEquals(direction, Double.compare(hops.get(i).get("cx").asDouble(), hops.get(i - 1).get("cx").asDouble()), p.toString());
        }
    }

    /**
     * Function-level and netfilter events have no probe on this branch's distribution yet, so they come
     * from a recording written here, shaped as those probes record them (hook = datapath function with
     * a return value; nf_table/nf_chain/nf_verdict), and go through the real replay and the real page.
     */
    @Test
    void functionLevelAndNetfilterEventsFromARecording() throws Exception {
        String[] calls = {"vm_rx", "vr_virtual_input", "vr_pkt_type", "vr_flow_forward", "vr_inet_flow_lookup", "vr_bridge_input", "nh_output"};
        StringBuilder rec = new StringBuilder();
        long t = 5_000_000_000L;
        for (int k = 0; k < 3; k++) {
            String id = "\"packet_id\":\"0xffff8880" + (100 + k) + "\"";
            for (String c : calls) {
                rec.append(line(t += 700, "vrouter", c, id + ",\"netns\":4026531840"));
            }
            for (int i = calls.length - 1; i >= 1; i--) {
                rec.append(line(t += 300, "vrouter", calls[i], id + ",\"netns\":4026531840,\"ret\":" + (i == 4 ? -22 : 0)));
            }
            t += 1_000_000;
        }
        String nf = "\"packet_id\":\"0xffff888000aa\",\"family\":4,\"src\":\"198.18.1.2\",\"dst\":\"198.18.2.2\",\"proto\":1,"
                + "\"icmp_type\":8,\"icmp_code\":0,\"icmp_id\":9,\"icmp_seq\":1";
        rec.append(line(t += 1000, "netpath", "tx", nf + ",\"netns\":11,\"netns_name\":\"client\",\"ifindex\":2,\"ifname\":\"eth0\""));
        rec.append(line(t += 9000, "netpath", "rx", nf + ",\"netns\":12,\"netns_name\":\"router\",\"ifindex\":2,\"ifname\":\"r0\""));
        rec.append(line(t += 2000, "netfilter", "forward", nf + ",\"netns\":12,\"netns_name\":\"router\",\"ifindex\":2,\"ifname\":\"r0\","
                + "\"nf_table\":\"filter\",\"nf_chain\":\"FORWARD\",\"nf_verdict\":\"ACCEPT\""));
        rec.append(line(t += 4000, "netpath", "tx", nf + ",\"netns\":12,\"netns_name\":\"router\",\"ifindex\":3,\"ifname\":\"r1\""));
        rec.append(line(t += 9000, "netpath", "rx", nf + ",\"netns\":13,\"netns_name\":\"server\",\"ifindex\":2,\"ifname\":\"eth0\""));
        rec.append(line(t += 2000, "netfilter", "input", nf + ",\"netns\":13,\"netns_name\":\"server\",\"ifindex\":2,\"ifname\":\"eth0\","
                + "\"nf_table\":\"inet pttest\",\"nf_chain\":\"input\",\"nf_verdict\":\"DROP\""));
        rec.append(line(t += 2000, "netpath", "drop", nf + ",\"netns\":13,\"netns_name\":\"server\",\"ifindex\":2,\"ifname\":\"eth0\","
                + "\"drop_reason\":12,\"drop_reason_name\":\"NETFILTER_DROP\""));
        Path recording = dir.resolve("functions.jsonl");
        Files.writeString(recording, rec.toString());
        Path page = dir.resolve("functions.html");
        Cli.Result replay = Cli.run("replay", recording.toString(), "--sink", "html:output=" + page);
        assertEquals(0, replay.exit(), replay.toString());
        Chromium.screenshot(page, ARTIFACTS.resolve("html-sink-functions-screenshot.png"), 1280, 720);
        JsonNode d = Chromium.inspect(page, dir);
        assertEquals(List.of(), strings(d.get("overlaps")), "no label overlaps another");
        assertEquals(List.of(), strings(d.get("clipped")), "no label sticks out of its drawing");
        List<String> hooks = new ArrayList<>();
        d.get("stations").forEach(st -> hooks.add(st.get("hook").asText()));
        assertEquals(List.of(calls), hooks.subList(0, calls.length), "one station per function, in call order");

        JsonNode packets = d.get("packets");
        assertEquals(4, packets.size(), packets.toString());
        for (int k = 0; k < 3; k++) {
            JsonNode p = packets.get(k);
            assertEquals("other", p.get("role").asText());
            assertEquals(13, p.get("hops").size());
            assertEquals(12, p.get("latencies").size());
            List<String> marks = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (JsonNode h : p.get("hops")) {
                marks.add(h.get("mark").asText());
                notes.addAll(strings(h.get("notes")));
            }
            assertEquals(List.of("", "", "", "", "", "", "", "return", "return", "return", "return", "return", "return"), marks);
            assertEquals(List.of("ret 0", "ret 0", "ret -22", "ret 0", "ret 0", "ret 0"), notes);
            // The calls run right on the first row; the returns come back on the second.
            assertEquals(0, p.get("hops").get(6).get("row").asInt());
            assertEquals(1, p.get("hops").get(7).get("row").asInt());
            assertEquals(1, p.get("hops").get(12).get("row").asInt());
        }
        JsonNode n = packets.get(3);
        List<String> marks = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (JsonNode h : n.get("hops")) {
            marks.add(h.get("mark").asText());
            notes.add(String.join(" ", strings(h.get("notes"))));
        }
        assertEquals(List.of("", "", "verdict-accept", "", "", "verdict-drop", "drop"), marks);
        assertEquals(List.of("", "", "filter.FORWARD ACCEPT", "", "", "inet pttest.input DROP", "NETFILTER_DROP"), notes);
        assertEquals("dropped: NETFILTER_DROP", n.get("outcome").asText());
        assertEquals(0, n.get("hops").get(6).get("row").asInt(), "a path that keeps going right stays on one row");
    }

    private static String line(long ts, String probe, String hook, String rest) {
        return "{\"v\":1,\"ts_ns\":" + ts + ",\"cpu\":0,\"probe\":\"" + probe + "\",\"hook\":\"" + hook + "\",\"pid\":0,\"len\":84,"
                + rest + "}\n";
    }

    @Test
    void traceEndedByCtrlCWritesTheWholePage() throws Exception {
        Path page = dir.resolve("trace.html");
        Path err = dir.resolve("trace.err");
        Process trace = new ProcessBuilder(Cli.command(List.of(), "trace", "-a", "either=198.18.1.0/24", "--probe", "netpath:hooks=tx,rx,drop",
                "--sink", "html:output=" + page))
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(err).contains("Ctrl-C to stop")) {
                assertTrue(trace.isAlive() && System.nanoTime() < deadline, "pkttrace did not start tracing: " + Files.readString(err));
                Thread.sleep(50);
            }
            assertEquals(0L, Files.size(page), "the page is written when the trace ends");
            Process ping = new ProcessBuilder("ip", "netns", "exec", topo.clientName(), "ping", "-c", "2", "-i", "0.2", "-W", "10",
                    DemoTopology.SERVER_V4).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(ping.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, ping.exitValue());
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(trace.pid())).start().waitFor()); // Ctrl-C
            assertTrue(trace.waitFor(60, TimeUnit.SECONDS), "pkttrace did not exit on SIGINT");
        } finally {
            trace.destroyForcibly();
        }
        String html = Files.readString(page);
        assertTrue(html.endsWith("</html>\n"), "a complete page: " + html.substring(Math.max(0, html.length() - 200)));
        Chromium.screenshot(page, ARTIFACTS.resolve("html-sink-trace-screenshot.png"), 1280, 640);
        JsonNode d = Chromium.inspect(page, dir);
        assertEquals(List.of(), strings(d.get("overlaps")));
        // Other tests on this host may use the same addresses in their own namespaces: look at ours only.
        List<String> ours = List.of(topo.clientName(), topo.routerName(), topo.serverName());
        List<String> names = new ArrayList<>();
        d.get("lanes").forEach(l -> names.add(l.get("name").asText()));
        assertEquals(ours, names.stream().filter(ours::contains).toList(), "our namespaces as lanes, in path order: " + names);
        List<String> inodes = List.of(Long.toString(topo.clientInode()), Long.toString(topo.routerInode()), Long.toString(topo.serverInode()));
        long pairs = 0;
        for (JsonNode p : d.get("packets")) {
            boolean mine = true;
            for (JsonNode h : p.get("hops")) {
                mine &= inodes.contains(h.get("netns").asText());
            }
            pairs += mine && p.get("paired").asBoolean() ? 1 : 0;
        }
        assertEquals(2, pairs, "both echo replies drawn under their requests: " + d.get("packets"));
    }

    @Test
    void badOutputIsOneLine() throws Exception {
        Path link = dir.resolve("link.html");
        Files.createSymbolicLink(link, dir.resolve("elsewhere.html"));
        Path foreign = dir.resolve("foreign.html");
        Files.writeString(foreign, "x");
        Files.setOwner(foreign, foreign.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Map<String, String> cases = Map.of(
                "html", "pkttrace: sink html: option 'output' is required: give the page's file, e.g. --sink html:output=trace.html (or output=- for standard output)",
                "html:output=" + dir, "pkttrace: sink html: output '" + dir + "' is a directory: give a file name",
                "html:output=" + link, "pkttrace: sink html: output '" + link + "' is a symbolic link: pkttrace does not follow a link when it writes: give the real path, or - for standard output",
                "html:output=" + dir.resolve("no/such/dir.html"), "pkttrace: sink html: output directory " + dir.resolve("no/such") + " does not exist: create it first",
                "html:output=" + foreign, "pkttrace: sink html: output '" + foreign + "' belongs to user 65534, not to you: remove it or choose a new file name",
                "html:output=/proc/self/status", "pkttrace: sink html: output '/proc/self/status' is on proc, a kernel interface file system, not a place for output: give a file on an ordinary file system");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            for (String command : List.of("trace", "replay")) {
                Cli.Result r = command.equals("trace") ? Cli.run("trace", "--duration", "1", "--sink", c.getKey())
                        : Cli.run("replay", "-", "--sink", c.getKey());
                assertEquals(2, r.exit(), r.toString());
                assertEquals(List.of(c.getValue()), r.errLines(), r.toString());
            }
        }
        assertEquals("x", Files.readString(foreign), "nothing was written");
    }

    @Test
    void anOutputTheUserMayNotCreateIsOneLine() throws Exception {
        // Root writes where it likes; replay runs unprivileged, and then a read-only directory refuses.
        Path pub = Files.createTempDirectory("pkttrace-html", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path readOnly = Files.createDirectory(pub.resolve("ro"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));
        try {
            Path target = readOnly.resolve("page.html");
            Cli.Result r = Cli.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), Map.of(), 60,
                    "replay", "-", "--sink", "html:output=" + target);
            assertEquals(2, r.exit(), r.toString());
            assertEquals(List.of("pkttrace: sink html: cannot write " + target + " (permission denied): check the path and its permissions"),
                    r.errLines(), r.toString());
            assertFalse(Files.exists(target));
        } finally {
            Files.delete(readOnly);
            Files.delete(pub);
        }
    }

    private void dropEchoRequest(int seq) throws Exception {
        topo.server().exec("nft", "add", "table", "inet", NFT_TABLE);
        topo.server().exec("nft", "add", "chain", "inet", NFT_TABLE, "input", "{ type filter hook input priority 0; }");
        topo.server().exec("nft", "add", "rule", "inet", NFT_TABLE, "input", "icmp", "type", "echo-request", "icmp", "sequence",
                Integer.toString(seq), "drop");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
