package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.Filter;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.api.TupleFilter;
import io.pkttrace.api.TupleRules;
import io.pkttrace.core.engine.Pipeline;
import io.pkttrace.core.engine.EngineSettings;
import io.pkttrace.core.engine.TestPipelines;
import io.pkttrace.core.testing.KernelTestSupport;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vrouter probe on a real program through the real engine, with uprobes: fake_vrouter.c has
 * the real struct vr_packet and frames the real datapath's scenarios do not have.
 */
@Tag("kernel")
class VrouterProbeKernelTest {
    private static final String FUNCTIONS = "pt_rx\npt_classify\npt_flow\npt_log\npt_tx\npt_cow\npt_jump\npt_outer\n";

    @TempDir
    Path tmp;

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    /** What the run produced. */
    private record Run(List<PacketEvent> events, RunStats stats, List<String> reports) {
        List<PacketEvent> at(String hook, int call) {
            return events.stream().filter(e -> e.hook().equals(hook) && e.call() == call).toList();
        }

        PacketEvent entry(String hook) {
            List<PacketEvent> l = at(hook, PacketEvent.CALL_ENTRY);
            assertEquals(1, l.size(), hook + " entries: " + events);
            return l.get(0);
        }

        PacketEvent ret(String hook) {
            List<PacketEvent> l = at(hook, PacketEvent.CALL_RETURN);
            assertEquals(1, l.size(), hook + " returns: " + events);
            return l.get(0);
        }

        String attr(PacketEvent e, String name) {
            int i = e.attrIndex(name);
            return i < 0 ? null : e.formatAttr(i);
        }
    }

    private Run trace(Map<String, String> extra, List<Filter> filters, String... modes) throws Exception {
        Path fake = FakeVrouter.binary();
        Path functions = tmp.resolve("functions");
        Files.writeString(functions, FUNCTIONS);
        Map<String, List<String>> opts = new java.util.LinkedHashMap<>();
        opts.put("functions", List.of(functions.toString()));
        opts.put("binary", List.of(fake.toString()));
        extra.forEach((k, v) -> opts.put(k, List.of(v)));
        VrouterProbeFactory factory = new VrouterProbeFactory();
        VrouterConfig config = factory.configure(new Options("probe vrouter", opts));
        List<PacketEvent> events = new CopyOnWriteArrayList<>();
        List<String> reports = new CopyOnWriteArrayList<>();
        Sink sink = e -> events.add(e.copy());
        Pipeline engine = TestPipelines.live(EngineSettings.defaults(), List.of(factory.create(config)), filters, List.of(sink),
                reports::add);
        RunStats stats;
        try {
            engine.start();
            FakeVrouter.runModes(modes);
            stats = engine.stop().stats();
        } finally {
            engine.stop();
        }
        assertTrue(KernelTestSupport.awaitNoPkttracePrograms().stream().noneMatch(p -> p.startsWith("pt_vr_")),
                "no vrouter program is left loaded");
        return new Run(new ArrayList<>(events), stats, reports);
    }

    private Run trace(String... modes) throws Exception {
        return trace(Map.of(), List.of(), modes);
    }

    private static String addr(byte[] b, int family) throws Exception {
        return InetAddress.getByAddress(java.util.Arrays.copyOf(b, family == 4 ? 4 : 16)).getHostAddress();
    }

    @Test
    void vlanFrameBeforeAndAfterClassificationAndWhatFunctionsReturn() throws Exception {
        Run r = trace("vlan");
        assertEquals(0, r.stats().lostInKernel());
        assertEquals(List.of("pt_rx", "pt_classify", "pt_classify", "pt_flow", "pt_flow", "pt_log", "pt_log", "pt_rx"),
                r.events().stream().map(PacketEvent::hook).toList(), "entries and returns in call order");
        PacketEvent rx = r.entry("pt_rx");
        assertEquals("NULL", r.attr(rx, "vp_type"), "not classified yet: the Ethernet view");
        assertEquals("7", r.attr(rx, "vlan"));
        assertEquals("02:00:00:00:00:01", r.attr(rx, "eth_src"));
        assertEquals("02:00:00:00:00:02", r.attr(rx, "eth_dst"));
        assertEquals("0x800", r.attr(rx, "eth_proto"));
        assertEquals("fake0", rx.ifname(), "vif name at this program's own offset of vif_name");
        assertEquals("7", r.attr(rx, "vif"));
        assertEquals("42", r.attr(rx, "nh"));
        for (PacketEvent e : List.of(rx, r.entry("pt_flow"))) {
            assertEquals(4, e.family());
            assertEquals("198.18.0.1", addr(e.srcBytes(), 4));
            assertEquals("198.18.0.2", addr(e.dstBytes(), 4));
            assertEquals(17, e.protocol());
            assertEquals(1111, e.srcPort(), "ports after the IP header, host order");
            assertEquals(2222, e.dstPort());
        }
        PacketEvent flow = r.entry("pt_flow");
        assertEquals("IP", r.attr(flow, "vp_type"));
        assertEquals(null, r.attr(flow, "eth_src"), "after classification: headers at vp_network_h");
        PacketEvent flowRet = r.ret("pt_flow");
        assertEquals(2, flowRet.returnValue());
        assertEquals("FLOW_HOLD", flowRet.returnValueName(), "enum return by name from the program's BTF");
        PacketEvent log = r.entry("pt_log");
        assertEquals("caller", r.attr(log, "packet_of"), "no packet argument: the enclosing call's packet");
        assertEquals(rx.packetId(), log.packetId());
        assertEquals(7, r.ret("pt_rx").returnValue(), "returns vif_idx");
        assertFalse(r.ret("pt_log").hasReturnValue(), "void");
        assertEquals(List.of(0, 1, 1, 1, 1, 1, 1, 0), r.events().stream().map(PacketEvent::callDepth).toList());
        assertTrue(r.ret("pt_rx").durationNs() >= r.ret("pt_flow").durationNs());
    }

    @Test
    void ipv6WithAnExtensionHeader() throws Exception {
        PacketEvent e = trace("ipv6").entry("pt_flow");
        assertEquals(6, e.family());
        assertEquals("2001:db8:0:0:0:0:0:1", addr(e.srcBytes(), 6));
        assertEquals(6, e.protocol(), "TCP after the hop-by-hop header");
        assertEquals(3333, e.srcPort());
        assertEquals(4444, e.dstPort());
    }

    @Test
    void vxlanShowsInnerAndOuterTuples() throws Exception {
        Run r = trace("vxlan");
        for (PacketEvent e : List.of(r.entry("pt_rx"), r.entry("pt_flow"))) {
            assertEquals("10.1.1.1", addr(e.srcBytes(), 4), "the main tuple is the inner one");
            assertEquals("10.1.1.2", addr(e.dstBytes(), 4));
            assertEquals(1, e.protocol());
            assertEquals(9, e.icmpId());
            assertEquals(3, e.icmpSeq());
            assertEquals(4, e.outerFamily());
            assertEquals("198.18.1.1", addr(e.outerSrcBytes(), 4));
            assertEquals("198.18.1.2", addr(e.outerDstBytes(), 4));
            assertEquals(50000, e.outerSrcPort());
            assertEquals(4789, e.outerDstPort());
            assertEquals("vxlan", e.encap());
            assertEquals("77", r.attr(e, "vni"));
        }
    }

    @Test
    void mplsOverGreWithAnIpv6Payload() throws Exception {
        PacketEvent e = trace("mplsogre").entry("pt_flow");
        assertEquals("mpls-gre", e.encap());
        assertEquals(47, e.outerProtocol());
        assertEquals("198.18.2.1", addr(e.outerSrcBytes(), 4));
        assertEquals(6, e.family(), "an IP payload right after the label stack");
        assertEquals("2001:db8:5:0:0:0:0:2", addr(e.dstBytes(), 6));
        assertEquals(5555, e.srcPort());
        assertEquals(6666, e.dstPort());
    }

    @Test
    void ipv4OptionsMoveThePorts() throws Exception {
        PacketEvent e = trace("ipopt").entry("pt_flow");
        assertEquals(7777, e.srcPort());
        assertEquals(8888, e.dstPort());
    }

    @Test
    void arpShowsItsAddresses() throws Exception {
        Run r = trace("arp");
        for (PacketEvent e : List.of(r.entry("pt_rx"), r.entry("pt_flow"))) {
            assertEquals(PacketEvent.FAMILY_NONE, e.family(), "no IP tuple made of ARP bytes");
            assertEquals("1", r.attr(e, "arp_op"));
            assertEquals("198.18.4.1", r.attr(e, "arp_spa"));
            assertEquals("198.18.4.2", r.attr(e, "arp_tpa"));
            assertEquals("02:00:00:00:00:01", r.attr(e, "arp_sha"));
        }
        assertEquals("ARP", r.attr(r.entry("pt_flow"), "vp_type"));
    }

    @Test
    void aCopyHandedOnIsLinkedToItsOriginal() throws Exception {
        Run r = trace("copy");
        PacketEvent rx = r.entry("pt_rx");
        PacketEvent cow = r.entry("pt_cow");
        assertEquals(rx.packetId(), cow.packetId(), "struct vr_packet ** is read through");
        PacketEvent tx = r.entry("pt_tx");
        assertNotEquals(rx.packetId(), tx.packetId(), "the copy is another packet");
        assertEquals(rx.packetId(), tx.parentPacketId());
        assertEquals("pt_rx", r.attr(tx, "copied_in"));
        assertEquals(rx.packetId(), r.ret("pt_tx").parentPacketId(), "its return carries the link too");
        assertEquals(1 + 2 + 3 + 2, r.ret("pt_tx").returnValue(), "argument 3 was the packet (vp_type IP = 2)");
    }

    @Test
    void callsSkippedByLongjmpAreClosedAsMissedAndCounted() throws Exception {
        Run r = trace("jump");
        List<PacketEvent> missed = r.events().stream().filter(e -> e.call() == PacketEvent.CALL_RETURN_MISSED).toList();
        assertEquals(List.of("pt_jump", "pt_rx"), missed.stream().map(PacketEvent::hook).toList(), "innermost first");
        assertEquals(List.of(2, 1), missed.stream().map(PacketEvent::callDepth).toList());
        assertEquals(5, r.ret("pt_outer").returnValue());
        assertTrue(r.reports().stream().anyMatch(l -> l.startsWith("vrouter: 2 calls whose return was missed")), r.reports().toString());
    }

    @Test
    void theKernelFilterDecidesOncePerPacketAndTheDecisionSticks() throws Exception {
        TupleRules src = new TupleRules(List.of(new TupleRules.Prefix(4, InetAddress.getByName("198.18.0.1").getAddress(), 32)),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), false);
        Run r = trace(Map.of(), List.of(new TupleFilter(src)), "ipv6", "vlan", "arp", "vxlan");
        assertEquals(8, r.events().size(), "only the vlan packet's 8 events: " + r.events());
        assertTrue(r.events().stream().allMatch(PacketEvent::kernelFiltered));
        assertTrue(r.stats().filteredInKernel() >= 24, "three packets' events dropped in BPF: " + r.stats());
        assertEquals(0, r.stats().filteredInJava(), "returns and pt_log carry no own headers, yet Java keeps them");
    }

    @Test
    void theOuterTupleIsMatchedOnRequest() throws Exception {
        TupleRules vxlanPort = new TupleRules(List.of(), List.of(), List.of(), List.of(17), List.of(),
                List.of(new TupleRules.PortRange(4789, 4789)), List.of(), false);
        Run outer = trace(Map.of("match", "outer"), List.of(new TupleFilter(vxlanPort)), "vlan", "vxlan", "ipopt");
        assertEquals(Map.of("10.1.1.1", 8L), outer.events().stream().collect(Collectors.groupingBy(e -> {
            try {
                return addr(e.srcBytes(), 4);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }, Collectors.counting())), "the vxlan packet, matched on its outer header");
        Run inner = trace(Map.of(), List.of(new TupleFilter(vxlanPort)), "vlan", "vxlan", "ipopt");
        assertEquals(0, inner.events().size(), "by default the inner tuple is matched (ICMP: no port 4789)");
    }
}
