package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The calls sink: pkt_tracer's live lines, and -o's per-packet trees with copies, eviction and missed returns. */
class CallSinksTest {
    private long ts = 1_000_000;

    private PacketEvent call(String fn, int phase, int depth, long packet, long parent) throws Exception {
        ts += 1000;
        PacketEvent e = new PacketEvent().timestampNs(ts).hook(fn).call(phase, depth).packetId(packet).parentPacketId(parent)
                .attr("tid", PacketEvent.AttrKind.NUMBER, 77).family(4).protocol(17).srcPort(10000).dstPort(80)
                .src(InetAddress.getByName("1.1.1.3").getAddress()).dst(InetAddress.getByName("1.1.1.5").getAddress());
        if (phase == PacketEvent.CALL_RETURN) {
            e.durationNs(2500).returnValue(2).returnValueName("FLOW_HOLD");
        }
        return e;
    }

    private PacketEvent in(String fn, int depth, long packet) throws Exception {
        return call(fn, PacketEvent.CALL_ENTRY, depth, packet, 0);
    }

    private PacketEvent out(String fn, int depth, long packet) throws Exception {
        return call(fn, PacketEvent.CALL_RETURN, depth, packet, 0);
    }

    /** What an organized sink with these limits prints for these events, finished. */
    private static String trees(int maxPackets, int maxCalls, List<PacketEvent> events) {
        StringWriter w = new StringWriter();
        return run(new CallTreeSink(new CallsConfig(true, false, maxPackets, maxCalls), new PrintWriter(w)), w, events);
    }

    private static String run(Sink s, StringWriter w, List<PacketEvent> events) {
        for (PacketEvent e : events) {
            s.accept(e);
        }
        s.finish(new RunStats(0, 0, 0, 0, 0, 0));
        return w.toString();
    }

    /** vm_rx > vr_flow_forward > vr_trap (of a copy, #2) and the original's returns. */
    private List<PacketEvent> trapped() throws Exception {
        PacketEvent rx = in("vm_rx", 0, 0xa);
        PacketEvent forward = in("vr_flow_forward", 1, 0xa);
        PacketEvent trap = call("vr_trap", PacketEvent.CALL_ENTRY, 2, 0xb, 0xa).attr("copied_in", "vr_trap_flow");
        return List.of(rx, forward, trap, out("vr_trap", 2, 0xb), out("vr_flow_forward", 1, 0xa), out("vm_rx", 0, 0xa));
    }

    @Test
    void organizedTreesShowACopyWhereItWasMadeAndPrintWhenTheOutermostCallReturns() throws Exception {
        StringWriter w = new StringWriter();
        CallTreeSink s = new CallTreeSink(new CallsConfig(true, true, 10, 100), new PrintWriter(w));
        List<PacketEvent> events = trapped();
        for (int i = 0; i < events.size() - 1; i++) {
            s.accept(events.get(i));
        }
        assertEquals("", w.toString(), "nothing printed before the packet's outermost call returns");
        s.accept(events.get(events.size() - 1));
        String[] lines = w.toString().split("\n");
        assertEquals("#1 udp 1.1.1.3:10000 -> 1.1.1.5:80, thread 77: 6 events in 5.0 µs", lines[0]);
        assertEquals("  vm_rx {  udp 1.1.1.3:10000 -> 1.1.1.5:80", lines[1]);
        assertEquals("    vr_flow_forward {", lines[2], "the packet's view is shown when it changes");
        assertEquals("      #2 copy of #1: vr_trap {  udp 1.1.1.3:10000 -> 1.1.1.5:80", lines[3]);
        assertEquals("      } = 2 FLOW_HOLD  2.5 µs  vr_trap", lines[4]);
        assertEquals("  } = 2 FLOW_HOLD  2.5 µs  vm_rx", lines[6]);
        s.finish(new RunStats(0, 0, 0, 0, 0, 0));
        assertTrue(w.toString().endsWith("calls: 1 packet tree, 0 evicted\n"), w.toString());
    }

    @Test
    void memoryIsBoundedAndEvictionsAreCountedAndSaid() throws Exception {
        String out = trees(2, 3, List.of(in("a", 0, 1), in("a", 0, 2), in("a", 0, 3), in("b", 1, 3), in("c", 2, 3),
                in("d", 3, 3)));
        assertTrue(out.contains("#1 udp 1.1.1.3:10000 -> 1.1.1.5:80, thread 77: 1 events in 0.0 µs, INCOMPLETE: evicted by max-packets"), out);
        assertTrue(out.contains("... 1 more calls not kept (max-calls)"), out);
        assertTrue(out.contains("in flight at exit"), out);
        assertTrue(out.contains("calls: 3 packet trees, 1 evicted\ncalls: WARNING: 1 packet trees were evicted"), out);
    }

    @Test
    void missedReturnsAreShownAsSuchNotAsATreeOfWrongShape() throws Exception {
        String out = trees(10, 100, List.of(in("outer", 0, 1), in("rx", 1, 1),
                call("rx", PacketEvent.CALL_RETURN_MISSED, 1, 1, 0), out("outer", 0, 1)));
        assertTrue(out.startsWith("#1 udp 1.1.1.3:10000 -> 1.1.1.5:80, thread 77: 4 events in 3.0 µs, some returns not seen\n"), out);
        assertTrue(out.contains("some returns not seen"), out);
        assertTrue(out.contains("    } return not seen  rx"), out);
    }

    @Test
    void liveLinesLikePktTracer() throws Exception {
        StringWriter w = new StringWriter();
        CallLineSink s = new CallLineSink(new CallsConfig(false, false, 10, 100), new PrintWriter(w));
        String[] lines = run(s, w, trapped()).split("\n");
        assertEquals("TIME(s)      TID      PACKET  CALL", lines[0]);
        assertEquals("0.000000     77       #1      vm_rx {  udp 1.1.1.3:10000 -> 1.1.1.5:80", lines[1]);
        assertEquals("0.000002     77       #2          vr_trap {  #2 copy of #1 (in vr_trap_flow)  udp 1.1.1.3:10000 -> 1.1.1.5:80", lines[3]);
        assertEquals("0.000003     77       #2          } 2.5 µs", lines[4], "no value without returns=true");
    }
}
