package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkttrace.core.testing.KernelTestSupport;
import io.pkttrace.core.testing.Tshark;
import io.pkttrace.plugins.vrouter.Datapath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pkttrace vrouter --binary} on the real, unmodified vrouter datapath of ../shared
 * (vrdp_driver, built -O2 and -O0), through its five scenarios: the exact ordered functions each
 * packet goes through, its tuples and Ethernet/ARP view at every function checked against what the
 * driver injected and transmitted, return values, the -o trees with scenario C's trapped copy
 * linked to its original, and -a filters that keep exactly one scenario.
 */
class VrouterDatapathIT {
    /** Datapath functions of the scenarios' paths (vr_do_flow_action is inlined away at -O2). */
    static final List<String> FUNCTIONS = List.of("vm_rx", "eth_rx", "vr_virtual_input", "vr_fabric_input", "vr_pkt_type",
            "vr_flow_forward", "vr_inet_flow_lookup", "vr_flow_action", "vr_do_flow_action", "vr_bridge_input", "nh_output",
            "nh_mpls_udp_tunnel", "nh_push_mpls_header", "eth_tx", "vr_l3_input", "vr_ip_input", "vr_ip_rcv", "vr_udp_input",
            "vr_mpls_input", "nh_encap_l2", "vr_trap_flow", "vr_trap", "agent_send", "agent_tx", "vr_arp_input",
            "vr_mac_reply_send", "vr_icmp_input", "vhost_tx");

    /** Each scenario's calls in order (entries), as the unoptimized (-O0) datapath makes them. */
    static final Map<Character, List<String>> CALLS_O0 = Map.of(
            'A', List.of("vm_rx", "vr_virtual_input", "vr_pkt_type", "vr_flow_forward", "vr_inet_flow_lookup", "vr_do_flow_action",
                    "vr_flow_action", "vr_bridge_input", "nh_output", "nh_mpls_udp_tunnel", "nh_push_mpls_header", "eth_tx"),
            'B', List.of("eth_rx", "vr_fabric_input", "vr_pkt_type", "vr_l3_input", "vr_ip_input", "vr_ip_rcv", "vr_udp_input",
                    "vr_mpls_input", "vr_pkt_type", "nh_output", "vr_flow_forward", "vr_inet_flow_lookup", "vr_do_flow_action",
                    "vr_flow_action", "nh_encap_l2", "eth_tx"),
            'C', List.of("vm_rx", "vr_virtual_input", "vr_pkt_type", "vr_flow_forward", "vr_inet_flow_lookup", "vr_do_flow_action",
                    "vr_trap_flow", "vr_trap", "agent_send", "agent_tx"),
            'D', List.of("vm_rx", "vr_virtual_input", "vr_pkt_type", "vr_flow_forward", "vr_bridge_input", "vr_arp_input",
                    "vr_mac_reply_send", "vr_pkt_type", "nh_output", "nh_encap_l2", "eth_tx", "vr_arp_input"),
            'E', List.of("eth_rx", "vr_fabric_input", "vr_pkt_type", "vr_l3_input", "vr_ip_input", "vr_ip_rcv", "vr_icmp_input",
                    "vhost_tx"));
    static final String SCENARIOS = "ABCDE";
    static final int ROUNDS = 2;

    @TempDir
    Path tmp;

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    private Path functions() throws Exception {
        Path f = tmp.resolve("functions");
        Files.writeString(f, "# the scenarios' path\n" + String.join("\n", FUNCTIONS) + "\n");
        return f;
    }

    /** The calls of a -O2 build: the same, without what the compiler inlined. */
    private static List<String> expected(char scenario, String opt) {
        List<String> calls = new ArrayList<>(CALLS_O0.get(scenario));
        if (opt.equals("-O2")) {
            calls.removeIf(c -> c.equals("vr_do_flow_action"));
        }
        return calls;
    }

    /** A packet and the copies made inside its calls, in order of appearance. */
    private record Packet(String id, List<JsonNode> events, List<JsonNode> copies) {
        List<JsonNode> entries() {
            return all().stream().filter(e -> e.path("call").asText().equals("entry")).toList();
        }

        List<JsonNode> all() {
            List<JsonNode> out = new ArrayList<>(events);
            out.addAll(copies);
            out.sort((a, b) -> Long.compare(a.path("ts_ns").asLong(), b.path("ts_ns").asLong()));
            return out;
        }

        JsonNode entry(String fn, int nth) {
            return entries().stream().filter(e -> e.path("hook").asText().equals(fn)).skip(nth).findFirst()
                    .orElseThrow(() -> new AssertionError("no entry of " + fn + " in " + id));
        }
    }

    private static List<Packet> packets(List<JsonNode> events) {
        Map<String, Packet> roots = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String id = e.path("packet_id").asText();
            String parent = e.path("parent_packet_id").asText("");
            if (!parent.isEmpty() && roots.containsKey(parent)) {
                roots.get(parent).copies().add(e);
            } else {
                roots.computeIfAbsent(id, k -> new Packet(k, new ArrayList<>(), new ArrayList<>())).events().add(e);
            }
        }
        return new ArrayList<>(roots.values());
    }

    private static String attr(JsonNode e, String name) {
        return e.path("attrs").path(name).asText(null);
    }

    private static String tuple(JsonNode e) {
        return e.path("proto").asInt() + " " + e.path("src").asText() + ":" + e.path("sport").asInt(-1) + " -> "
                + e.path("dst").asText() + ":" + e.path("dport").asInt(-1) + " icmp " + e.path("icmp_id").asInt(-1) + "/"
                + e.path("icmp_seq").asInt(-1);
    }

    private static String outer(JsonNode e) {
        return e.has("outer_family") ? e.path("encap").asText() + " " + e.path("outer_src").asText() + ":"
                + e.path("outer_sport").asInt() + " -> " + e.path("outer_dst").asText() + ":" + e.path("outer_dport").asInt()
                + " label " + attr(e, "label") : "none";
    }

    /** Entries and returns nest: each return closes the latest open call of its thread, at its depth. */
    private static void assertNested(Packet p) {
        List<String> open = new ArrayList<>();
        for (JsonNode e : p.all()) {
            String call = e.path("call").asText();
            assertNotEquals("return-missed", call, "no return was missed: " + e);
            if (call.equals("entry")) {
                assertEquals(open.size() + p.all().get(0).path("depth").asInt(), e.path("depth").asInt(), "depth of " + e);
                open.add(e.path("hook").asText());
            } else {
                assertEquals(open.remove(open.size() - 1), e.path("hook").asText(), "returns close the latest call: " + e);
            }
        }
        assertEquals(List.of(), open, "every call of " + p.id() + " returned");
    }

    private VrouterRun run(String opt, String... args) throws Exception {
        Path driver = Datapath.driver(opt);
        List<String> argv = new ArrayList<>(List.of("vrouter", "-f", functions().toString(), "--binary", driver.toString()));
        argv.addAll(Arrays.asList(args));
        VrouterRun r = VrouterRun.of(driver, List.of("-n", Integer.toString(ROUNDS)), argv.toArray(String[]::new));
        assertEquals(143, r.exit(), "stopped by SIGTERM, as scripts stop it: " + r);
        return r;
    }

    /**
     * {@code --sink pcapng} beside the json sink: one packet per event, the outer IP header's bytes (as the
     * vrouter holds the packet) where the event has a packet, none for calls without one, and the
     * function in every comment.
     */
    @org.junit.jupiter.api.Test
    void pcapngCaptureOfTheDatapath() throws Exception {
        Path capture = tmp.resolve("vrouter.pcapng");
        VrouterRun r = run("-O2", "--sink", "json", "--sink", "pcapng:output=" + capture);
        List<JsonNode> events = r.events();
        List<String> rows = Tshark.fields(capture, "frame.cap_len", "ip.src", "ipv6.src", "frame.comment");
        assertEquals(events.size(), rows.size(), "a packet per event: " + r.err());
        int withBytes = 0;
        for (int i = 0; i < rows.size(); i++) {
            JsonNode e = events.get(i);
            String[] f = rows.get(i).split("\\|", -1);
            String where = rows.get(i) + " vs " + e;
            assertTrue(f[3].startsWith("vrouter function " + e.get("hook").asText() + " " + e.get("call").asText()), where);
            if (!e.has("bytes")) {
                assertEquals("0", f[0], where);
                assertTrue(f[3].endsWith("; no packet bytes"), where);
                continue;
            }
            withBytes++;
            assertTrue(Integer.parseInt(f[0]) > 0, where);
            String src = (e.has("outer_src") ? e.get("outer_src") : e.get("src")).asText();
            String first = (f[1].isEmpty() ? f[2] : f[1]).split(",")[0];
            if (e.has("src") || e.has("outer_src")) {
                assertEquals(src, first, "the outer network header's source: " + where);
            }
        }
        assertTrue(withBytes > events.size() / 4, withBytes + " of " + events.size() + " events carry packet bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-O2", "-O0"})
    void everyScenarioFunctionByFunctionWithItsHeadersAsInjectedAndTransmitted(String opt) throws Exception {
        VrouterRun r = run(opt, "--sink", "json", "--stats");
        DriverOutput driver = new DriverOutput(r.driver());
        List<Packet> packets = packets(r.events());
        assertEquals(SCENARIOS.length() * ROUNDS, packets.size(), "one packet per scenario and round: " + r);
        assertTrue(r.err().contains(" 0 lost"), r.err());
        if (opt.equals("-O2")) {
            assertTrue(r.err().contains("pkttrace: vrouter: vr_do_flow_action has no symbol in " + Datapath.driver(opt)
                    + ": the compiler inlined it into its callers"), r.err());
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int s = 0; s < SCENARIOS.length(); s++) {
                char scenario = SCENARIOS.charAt(s);
                Packet p = packets.get(round * SCENARIOS.length() + s);
                String where = opt + " scenario " + scenario + " round " + round;
                assertEquals(expected(scenario, opt), p.entries().stream().map(e -> e.path("hook").asText()).toList(), where);
                assertNested(p);
                List<DriverOutput.Tx> tx = driver.tx(scenario, round);
                switch (scenario) {
                    case 'A' -> scenarioA(p, tx, round, where);
                    case 'B' -> scenarioB(p, tx, round, where);
                    case 'C' -> scenarioC(p, tx, round, where);
                    case 'D' -> scenarioD(p, tx, where);
                    default -> scenarioE(p, round, where);
                }
            }
        }
    }

    /** Before vr_pkt_type classified the frame: the Ethernet header the driver injected. */
    private static void assertEthernetView(Packet p, String src, String dst, String where) {
        for (JsonNode e : p.events()) {
            if (e.path("call").asText().equals("entry") && "NULL".equals(attr(e, "vp_type"))) {
                assertEquals(src, attr(e, "eth_src"), where + " " + e);
                assertEquals(dst, attr(e, "eth_dst"), where + " " + e);
            } else if (e.path("call").asText().equals("entry")) {
                assertEquals(null, attr(e, "eth_src"), where + ": after classification the headers are read at vp_network_h: " + e);
            }
        }
        assertEquals("NULL", attr(p.entries().get(0), "vp_type"), where + ": the first function sees an unclassified frame");
    }

    private static void scenarioA(Packet p, List<DriverOutput.Tx> tx, int round, String where) {
        String injected = "1 1.1.1.3:-1 -> 1.1.1.5:-1 icmp 4145/" + round;
        assertEthernetView(p, "02:c2:23:4c:d0:55", "02:e7:03:ea:67:f1", where);
        for (JsonNode e : p.entries()) {
            assertEquals(injected, tuple(e), where + " at " + e.path("hook").asText());
            assertEquals(e.path("hook").asText().equals("eth_tx") ? 4 : 0, e.path("outer_family").asInt(0),
                    where + ": the outer header exists once encapsulated: " + e);
        }
        assertEquals(1, tx.size(), where);
        assertEquals(0, tx.get(0).vif(), where + ": sent on the fabric");
        byte[] f = tx.get(0).frame();
        int outer = DriverOutput.ipv4(f, "8.0.0.2", "8.0.0.3", 17);
        int inner = DriverOutput.ipv4(f, "1.1.1.3", "1.1.1.5", 1);
        assertTrue(outer > 0 && inner > outer, where + ": the transmitted frame is MPLSoUDP");
        int[] ports = DriverOutput.ports(f, outer);
        int label = ((f[outer + 28] & 0xff) << 12) | ((f[outer + 29] & 0xff) << 4) | ((f[outer + 30] & 0xff) >> 4);
        JsonNode ethTx = p.entry("eth_tx", 0);
        assertEquals("mpls-udp 8.0.0.2:" + ports[0] + " -> 8.0.0.3:" + ports[1] + " label " + label, outer(ethTx), where);
        assertEquals(6635, ports[1]);
        assertEquals(144, label);
    }

    private static void scenarioB(Packet p, List<DriverOutput.Tx> tx, int round, String where) {
        String inner = "1 1.1.1.5:-1 -> 1.1.1.3:-1 icmp 4145/" + round;
        assertEthernetView(p, "00:1b:21:bb:f9:46", "00:1b:21:bb:f9:48", where);
        // Until vr_mpls_input's vr_pkt_type has classified the inner frame, vp_network_h is the outer header.
        boolean decapsulated = false;
        for (JsonNode e : p.entries()) {
            assertEquals(inner, tuple(e), where + " at " + e.path("hook").asText());
            decapsulated |= e.path("hook").asText().equals("nh_output");
            assertEquals(decapsulated ? "none" : "mpls-udp 8.0.0.3:53363 -> 8.0.0.2:6635 label 42", outer(e),
                    where + " at " + e.path("hook").asText());
        }
        assertEquals(1, tx.size(), where);
        assertEquals(5, tx.get(0).vif(), where + ": sent to the VM");
        byte[] f = tx.get(0).frame();
        assertEquals(14, DriverOutput.ipv4(f, "1.1.1.5", "1.1.1.3", 1), where + ": decapsulated, the inner frame only");
    }

    private static void scenarioC(Packet p, List<DriverOutput.Tx> tx, int round, String where) {
        String injected = "17 1.1.1.3:" + (10000 + round) + " -> 1.1.1.5:80 icmp -1/-1";
        assertEthernetView(p, "02:c2:23:4c:d0:55", "02:e7:03:ea:67:f1", where);
        for (JsonNode e : p.entries()) {
            assertEquals(injected, tuple(e), where + " at " + e.path("hook").asText());
        }
        assertEquals(List.of("vr_trap", "agent_send", "agent_tx"),
                p.copies().stream().filter(e -> e.path("call").asText().equals("entry")).map(e -> e.path("hook").asText()).toList(),
                where + ": the trapped copy is another packet, linked to its original");
        JsonNode trap = p.entry("vr_trap", 0);
        assertNotEquals(p.id(), trap.path("packet_id").asText());
        assertEquals(p.id(), trap.path("parent_packet_id").asText());
        assertEquals("vr_trap_flow", attr(trap, "copied_in"));
        assertEquals(1, tx.size(), where);
        assertEquals(2, tx.get(0).vif(), where + ": trapped to the agent");
        int ip = DriverOutput.ipv4(tx.get(0).frame(), "1.1.1.3", "1.1.1.5", 17);
        assertTrue(ip > 14, where + ": the agent frame carries the packet after its agent header");
        assertArrayEquals(new int[] {10000 + round, 80}, DriverOutput.ports(tx.get(0).frame(), ip), where);
        assertNotEquals(attr(trap, "pkt"), attr(p.entry("vm_rx", 0), "pkt"), where + ": a different struct vr_packet");
    }

    private static void scenarioD(Packet p, List<DriverOutput.Tx> tx, String where) {
        JsonNode request = p.entry("vm_rx", 0);
        assertFalse(request.has("family"), where + ": no IP tuple made of ARP bytes");
        assertEquals(List.of("1", "1.1.1.3", "02:c2:23:4c:d0:55", "1.1.1.5"), List.of(attr(request, "arp_op"),
                attr(request, "arp_spa"), attr(request, "arp_sha"), attr(request, "arp_tpa")), where);
        assertEquals(1, tx.size(), where);
        byte[] f = tx.get(0).frame();
        JsonNode reply = p.entry("eth_tx", 0);
        String sha = String.format("%02x:%02x:%02x:%02x:%02x:%02x", f[22], f[23], f[24], f[25], f[26], f[27]);
        String spa = (f[28] & 0xff) + "." + (f[29] & 0xff) + "." + (f[30] & 0xff) + "." + (f[31] & 0xff);
        String tpa = (f[38] & 0xff) + "." + (f[39] & 0xff) + "." + (f[40] & 0xff) + "." + (f[41] & 0xff);
        assertEquals(List.of(Integer.toString(f[21]), spa, sha, tpa), List.of(attr(reply, "arp_op"), attr(reply, "arp_spa"),
                attr(reply, "arp_sha"), attr(reply, "arp_tpa")), where + ": the proxy reply as transmitted");
        assertEquals(List.of("2", "1.1.1.5", "1.1.1.3"), List.of(attr(reply, "arp_op"), attr(reply, "arp_spa"), attr(reply, "arp_tpa")));
    }

    private static void scenarioE(Packet p, int round, String where) {
        assertEthernetView(p, "00:1b:21:bb:f9:46", "00:1b:21:bb:f9:48", where);
        for (JsonNode e : p.entries()) {
            assertEquals("1 8.0.0.3:-1 -> 8.0.0.2:-1 icmp 7/" + round, tuple(e), where + " at " + e.path("hook").asText());
        }
        for (JsonNode e : p.entries()) {
            assertEquals("0", attr(e, "vif"), where + ": received on the fabric, vif 0 (eth0)");
            assertEquals("eth0", e.path("ifname").asText(), where);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-O2", "-O0"})
    void organizedTreesWithReturnValuesAndTheTrappedCopyInPlace(String opt) throws Exception {
        VrouterRun r = run(opt, "-o", "-r");
        String out = r.out();
        assertTrue(out.endsWith("calls: " + SCENARIOS.length() * ROUNDS + " packet trees, 0 evicted\n"), r.toString());
        String[] lines = out.split("\n");
        int tree = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("#3 udp 1.1.1.3:10000 -> 1.1.1.5:80")) {
                tree = i;
            }
        }
        assertTrue(tree >= 0, "scenario C's tree: " + out);
        List<String> c = new ArrayList<>();
        for (int i = tree + 1; i < lines.length && lines[i].startsWith(" "); i++) {
            c.add(lines[i]);
        }
        int flow = indexOf(c, "vr_trap_flow {");
        int trap = indexOf(c, "#4 copy of #3: vr_trap {");
        assertTrue(flow >= 0 && trap == flow + 1, "the copy appears inside vr_trap_flow, where it was made: " + c);
        assertEquals(indent(c.get(flow)) + 2, indent(c.get(trap)), String.join("\n", c));
        assertTrue(c.stream().anyMatch(l -> l.matches(" *\\} = 0 FLOW_HELD  [0-9.]+ µs  vr_inet_flow_lookup")), String.join("\n", c));
        assertTrue(c.get(c.size() - 1).matches("  \\} = 0  [0-9.]+ µs  vm_rx"), "the tree ends with its outermost return: " + c);
        assertTrue(out.contains("} = 1 FLOW_FORWARD"), "enum return values by name");
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(text)) {
                return i;
            }
        }
        return -1;
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    /** --pid traces one process (a DPDK vrouter is one): another process running the same program is not traced. */
    @org.junit.jupiter.api.Test
    void onePidOnly() throws Exception {
        Path driver = Datapath.driver("-O2");
        Process traced = new ProcessBuilder(driver.toString(), "-q", "-w", "5", "-s", "E").redirectErrorStream(true).start();
        try {
            // Stopped in its wait until pkttrace traces it, however long pkttrace takes to start: a fixed
            // wait alone would race with the start on a slow machine. (A stopped sleep keeps counting.)
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(traced.pid())).start().waitFor());
            // While pkttrace traces the waiting process: another process of the same program runs scenario A,
            // then the traced one is woken up and runs scenario E.
            String other = driver + " -q -s A && kill -CONT " + traced.pid() + " && while kill -0 " + traced.pid()
                    + " 2>/dev/null; do sleep 0.1; done";
            VrouterRun run = VrouterRun.of(Path.of("/bin/sh"), List.of("-c", other), "vrouter", "-f", functions().toString(),
                    "--pid", Long.toString(traced.pid()), "--sink", "json");
            List<JsonNode> events = run.events();
            assertTrue(run.err().contains("user-space functions attached as ") && run.err().contains(" of process " + traced.pid()
                    + " (" + driver + ") ("), run.err());
            assertEquals(expected('E', "-O2"), packets(events).get(0).entries().stream().map(e -> e.path("hook").asText()).toList(),
                    "the traced process's scenario E: " + run);
            assertEquals(1, packets(events).size(), "nothing of the other process's scenario A: " + run);
            assertTrue(events.stream().allMatch(e -> e.path("pid").asLong() == traced.pid()), run.toString());
        } finally {
            traced.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-O2", "-O0"})
    void eachFilterKeepsExactlyOneScenario(String opt) throws Exception {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        filters.put("A", List.of("-a", "dest=1.1.1.5", "protocol=icmp"));
        filters.put("B", List.of("-a", "src=1.1.1.5"));
        filters.put("C", List.of("-a", "protocol=udp", "dport=80"));
        filters.put("E", List.of("-a", "src=8.0.0.3", "protocol=icmp"));
        filters.put("B (outer)", List.of("--match", "outer", "-a", "src=8.0.0.3", "dport=6635"));
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            List<String> args = new ArrayList<>(List.of("--sink", "json", "--stats"));
            args.addAll(f.getValue());
            VrouterRun r = run(opt, args.toArray(String[]::new));
            char scenario = f.getKey().charAt(0);
            List<Packet> packets = packets(r.events());
            assertEquals(ROUNDS, packets.size(), opt + " " + f.getValue() + ": " + r);
            for (Packet p : packets) {
                assertEquals(expected(scenario, opt), p.entries().stream().map(e -> e.path("hook").asText()).toList(),
                        opt + " " + f.getValue() + " keeps scenario " + scenario + " whole");
                assertNested(p);
            }
            assertTrue(r.err().matches("(?s).*kernel: \\d+ produced, \\d+ delivered, 0 lost, [1-9]\\d* filtered; java: 0 filtered.*"),
                    "the others were filtered in the kernel: " + r.err());
        }
    }
}
