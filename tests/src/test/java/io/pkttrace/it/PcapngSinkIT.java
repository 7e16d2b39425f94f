package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkttrace.core.testing.Tshark;
import io.pkttrace.topology.DemoTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sink pcapng} from the real distribution: a live trace of pings and UDP datagrams (IPv4 and
 * IPv6) through the demo namespaces written both as pcapng and as JSON Lines by the same run; tshark
 * reads the capture and every packet must be the json sink's event of the same index (interface,
 * time to the nanosecond, addresses, ports, direction, comment). The recording replays to a
 * byte-identical capture. A run without the pcapng sink carries no packet bytes.
 */
class PcapngSinkIT extends WithDemoTopology {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int UDP4_PORT = 9471;
    private static final int UDP6_PORT = 9472;
    private static final String NFT_TABLE = "ptpcapng";

    @TempDir
    Path dir;

    @Test
    void liveCaptureMatchesTheJsonSinkAndReplaysIdentically() throws Exception {
        Path capture = dir.resolve("live.pcapng");
        Path recording = dir.resolve("live.jsonl");
        BackgroundTrace trace = new BackgroundTrace("trace", "--probe", "netpath", "-a", "either=" + DemoTopology.CLIENT_V4,
                "-a", "either=" + DemoTopology.CLIENT_V6, "--sink", "pcapng:output=" + capture, "--sink", "json:output=" + recording,
                "--duration", "60");
        Cli.Result res;
        try {
            trace.awaitTracing();
            traffic();
            // The datagrams are dropped in the server after bash is gone: waited for, not a fixed sleep.
            trace.awaitFile(recording, s -> s.split("\"drop_reason_name\":\"NO_SOCKET\"", -1).length > 2,
                    "both datagrams dropped (NO_SOCKET)", 60);
        } finally {
            trace.interrupt(); // sinks finish and close
            res = trace.finish();
        }
        assertEquals(130, res.exit(), "Ctrl-C: " + res);
        Set<String> seen = compare(read(recording), capture);
        String c = topo.clientName();
        String s = topo.serverName();
        assertTrue(seen.containsAll(List.of("tx " + c + "/eth0", "rx " + s + "/eth0", "tx " + s + "/eth0", "rx " + c + "/eth0",
                "udp4 " + UDP4_PORT, "udp6 " + UDP6_PORT, "drop NO_SOCKET")), "the traffic was seen: " + seen);

        Path replayed = dir.resolve("replay.pcapng");
        Cli.Result replay = Cli.run("replay", recording.toString(), "--sink", "pcapng:output=" + replayed);
        assertEquals(0, replay.exit(), replay.toString());
        assertEquals(-1L, Files.mismatch(capture, replayed), "the recording replays to the live capture, byte for byte");
    }

    /**
     * {@code pkttrace ping}, which adds the netfilter probe: its verdict events carry the packet's bytes too
     * (the BPF netfilter program's record has them), and their comments the verdict.
     */
    @Test
    void pingWithNetfilterVerdicts() throws Exception {
        Path capture = dir.resolve("ping.pcapng");
        Path recording = dir.resolve("ping.jsonl");
        topo.server().exec("nft", "add", "table", "inet", NFT_TABLE);
        Cli.Result ping;
        try {
            topo.server().exec("nft", "add", "chain", "inet", NFT_TABLE, "input", "{ type filter hook input priority 0; }");
            topo.server().exec("nft", "add", "rule", "inet", NFT_TABLE, "input", "icmp", "type", "echo-request", "accept");
            ping = Cli.run("ping", "--netns", topo.clientName(), "-c", "2", "--timeout", "1", "--sink", "pcapng:output=" + capture,
                    "--sink", "json:output=" + recording, DemoTopology.SERVER_V4);
        } finally {
            topo.server().exec("nft", "delete", "table", "inet", NFT_TABLE);
        }
        assertEquals(0, ping.exit(), ping.toString());
        Set<String> seen = compare(read(recording), capture);
        assertTrue(seen.contains("verdict netfilter input " + topo.serverName() + "/eth0 ACCEPT"), "the rule's verdict: " + seen);
        assertTrue(seen.contains("tx " + topo.clientName() + "/eth0"), seen.toString());
    }

    /**
     * Checks every packet of the capture against the json sink's event of the same index; returns what
     * was seen (hooks on interfaces, UDP ports, drop reasons, verdicts).
     */
    private static Set<String> compare(List<JsonNode> events, Path capture) throws Exception {
        List<String> rows = Tshark.fields(capture, "frame.interface_name", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src",
                "ipv6.dst", "udp.srcport", "udp.dstport", "icmp.seq", "frame.p2p_dir", "frame.len", "frame.cap_len",
                "frame.comment");
        assertEquals(events.size(), rows.size(), "one packet per event of the json sink:\n" + String.join("\n", rows));
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode e = events.get(i);
            String[] f = rows.get(i).split("\\|", -1);
            String where = "packet " + (i + 1) + " " + rows.get(i) + " vs " + e;
            assertEquals(e.get("netns_name").asText() + "/" + (e.has("ifname") ? e.get("ifname").asText() : "-"), f[0], where);
            Instant t = Instant.parse(e.get("time").asText());
            assertEquals(String.format("%d.%09d", t.getEpochSecond(), t.getNano()), f[1], "nanosecond time: " + where);
            boolean v4 = e.get("family").asInt() == 4;
            // tshark lists the inner header of an ICMP error after the outer one: the first value is the packet's.
            assertEquals(e.get("src").asText(), first(v4 ? f[2] : f[4]), where);
            assertEquals(e.get("dst").asText(), first(v4 ? f[3] : f[5]), where);
            if (e.has("sport")) {
                assertEquals(e.get("sport").asText(), f[6], where);
                assertEquals(e.get("dport").asText(), f[7], where);
                seen.add("udp" + e.get("family").asInt() + " " + e.get("dport").asText());
            }
            if (e.has("icmp_seq") && v4) {
                assertEquals(e.get("icmp_seq").asText(), first(f[8]), where);
            }
            String hook = e.get("hook").asText();
            String direction = Set.of("tx", "output", "postrouting").contains(hook) ? "0"
                    : Set.of("rx", "input", "prerouting").contains(hook) ? "1" : "";
            assertEquals(direction, f[9], "direction flag: " + where);
            assertTrue(Integer.parseInt(f[11]) > 0 && Integer.parseInt(f[11]) <= 128, "bytes captured, default snap length: " + where);
            StringBuilder comment = new StringBuilder(e.get("probe").asText() + " " + hook + "; netns " + e.get("netns_name").asText()
                    + " (" + e.get("netns").asLong() + "); packet " + e.get("packet_id").asText());
            if (e.has("drop_reason_name")) {
                comment.append("; drop ").append(e.get("drop_reason_name").asText());
                seen.add("drop " + e.get("drop_reason_name").asText());
            }
            if (e.has("nf_verdict")) {
                comment.append("; verdict ").append(e.has("nf_family") ? e.get("nf_family").asText() + " " : "")
                        .append(e.get("nf_table").asText()).append(' ').append(e.get("nf_chain").asText()).append(' ')
                        .append(e.get("nf_verdict").asText());
                if (e.has("nf_target")) {
                    comment.append(' ').append(e.get("nf_target").asText());
                }
                if (e.has("nf_policy")) {
                    comment.append(" (policy)");
                } else if (e.has("nf_rule_handle")) {
                    comment.append(" (rule ").append(e.get("nf_rule_handle").asLong()).append(')');
                }
                seen.add("verdict " + e.get("probe").asText() + " " + hook + " " + f[0] + " " + e.get("nf_verdict").asText());
            }
            assertEquals(comment.toString(), f[12], where);
            seen.add(hook + " " + f[0]);
        }
        return seen;
    }

    /** Without a sink that asks for packet bytes, probes copy none. */
    @Test
    void noPacketBytesWithoutASinkAskingForThem() throws Exception {
        Path recording = dir.resolve("plain.jsonl");
        BackgroundTrace trace = new BackgroundTrace("trace", "--probe", "netpath", "-a", "either=" + DemoTopology.CLIENT_V4,
                "--sink", "json:output=" + recording, "--duration", "60");
        Cli.Result res;
        try {
            trace.awaitTracing();
            topo.client().exec("ping", "-c", "2", "-i", "0.2", DemoTopology.SERVER_V4);
            // ping ended with its replies: their events are in the ring; the json sink writes them every round
            trace.awaitFile(recording, s -> s.lines().count() >= 8, "8 events", 60);
        } finally {
            trace.interrupt();
            res = trace.finish();
        }
        assertEquals(130, res.exit(), "Ctrl-C: " + res);
        assertFalse(res.err().contains("packet's first"), "no probe was asked for bytes: " + res);
        List<JsonNode> events = read(recording);
        assertTrue(events.size() >= 8, "two pings through four devices: " + events.size());
        events.forEach(e -> assertFalse(e.has("bytes"), e.toString()));
    }

    private static void traffic() throws Exception {
        topo.client().exec("ping", "-c", "2", "-i", "0.2", DemoTopology.SERVER_V4);
        topo.client().exec("ping", "-6", "-c", "1", DemoTopology.SERVER_V6);
        // Nobody listens: the server answers port unreachable and frees the datagram with NO_SOCKET.
        topo.client().exec("bash", "-c", "echo hello > /dev/udp/" + DemoTopology.SERVER_V4 + "/" + UDP4_PORT);
        topo.client().exec("bash", "-c", "echo hello6 > /dev/udp/" + DemoTopology.SERVER_V6 + "/" + UDP6_PORT);
    }

    private static String first(String values) {
        int comma = values.indexOf(',');
        return comma < 0 ? values : values.substring(0, comma);
    }

    private static List<JsonNode> read(Path jsonl) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }
}
