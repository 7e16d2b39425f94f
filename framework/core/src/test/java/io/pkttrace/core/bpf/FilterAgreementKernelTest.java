package io.pkttrace.core.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.TupleRules;
import io.pkttrace.api.TupleRules.PortRange;
import io.pkttrace.api.TupleRules.Prefix;
import io.pkttrace.core.testing.KernelTestSupport;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Proof that the kernel's five-tuple filter (the probe SDK's pkttrace/filter.h, fed by
 * {@link KernelFilterEncoder}) decides exactly like the Java reference {@link TupleRules#matches}:
 * crafted Ethernet frames run through the real kernel with BPF_PROG_TEST_RUN on
 * src/test/bpf/filter_agree.bpf.c (an XDP program that parses the frame into a pkttrace_event and calls
 * pt_filter_match), and the same tuples as {@link PacketEvent}s through Java.
 *
 * <p>The generated cases aim at the edges: prefix lengths 0, 1, 7..9, 31, 32, 63..65, 127, 128 with
 * the first and last address inside and the neighbours just outside; port ranges at their bounds;
 * protocols with and without ports; IPv4 fragments and IPv6 extension headers; mixed families;
 * replies (reversed tuples) with and without {@code bothDirections}. Set -Dpkttrace.agree.seed=N
 * to explore other cases; a failure prints the seed, the rules and the packet.
 * -Dpkttrace.agree.object=FILE runs the proof against another compiled filter_agree.bpf.o.
 */
@Tag("kernel")
class FilterAgreementKernelTest {
    private static final int XDP_ABORTED = 0;
    private static final int XDP_DROP = 1;
    private static final int XDP_PASS = 2;
    private static final String PROGRAM = "pt_test_filter_agree";
    private static final int RULE_SETS = 200;
    private static final int PACKETS_PER_RULE_SET = 50;
    private static final int[] PROTOCOLS = {6, 17, 1, 58, 132, 47, 0, 50};

    private static LibbpfObject object;
    private static KernelFilterEncoder encoder;

    @BeforeAll
    static void load() throws Exception {
        KernelTestSupport.requireBpf();
        // -Dpkttrace.agree.object=FILE checks another build of the filter (e.g. a deliberately broken one).
        String other = System.getProperty("pkttrace.agree.object");
        byte[] elf = other != null ? java.nio.file.Files.readAllBytes(java.nio.file.Path.of(other))
                : KernelTestSupport.bpfObject("filter_agree.bpf.o");
        object = LibbpfObject.open(NativeBpf.get(), "filter-agree", elf);
        object.load(); // the verifier accepts pt_filter_match (a global function) called from XDP
        encoder = KernelFilterEncoder.of(object.btf());
    }

    @AfterAll
    static void close() {
        if (object != null) {
            object.close();
        }
    }

    /** A packet as both sides see it: the frame for the kernel, the event for Java. */
    record Packet(byte[] frame, PacketEvent event, String text) {
    }

    private static boolean kernel(TupleRules rules, Packet p) throws Exception {
        object.updateMap("pt_filter", new byte[4], encoder.encode(rules));
        return run(p);
    }

    private static boolean run(Packet p) throws Exception {
        int rc = object.testRun(PROGRAM, p.frame());
        if (rc != XDP_PASS && rc != XDP_DROP) {
            fail("the test program could not parse " + p.text() + " (XDP return " + rc + ", " + (rc == XDP_ABORTED ? "aborted" : "?")
                    + "): " + HexFormat.of().formatHex(p.frame()));
        }
        return rc == XDP_PASS;
    }

    @Test
    void kernelAndJavaDecideAlikeOnGeneratedTuples() throws Exception {
        long seed = Long.getLong("pkttrace.agree.seed", 0x5EED_F11E7L);
        Gen gen = new Gen(new Random(seed));
        int cases = 0;
        int matched = 0;
        int reversed = 0;
        int ipv6 = 0;
        int withPorts = 0;
        int disagreed = 0;
        List<String> disagreements = new ArrayList<>();
        for (int r = 0; r < RULE_SETS; r++) {
            TupleRules rules = gen.rules();
            object.updateMap("pt_filter", new byte[4], encoder.encode(rules));
            for (int i = 0; i < PACKETS_PER_RULE_SET; i++) {
                Packet p = gen.packet(rules);
                boolean inKernel = run(p);
                boolean inJava = rules.matches(p.event());
                cases++;
                matched += inJava ? 1 : 0;
                ipv6 += p.event().family() == 6 ? 1 : 0;
                withPorts += p.event().protocol() == 6 || p.event().protocol() == 17 ? 1 : 0;
                reversed += rules.bothDirections() && inJava && !oneWay(rules).matches(p.event()) ? 1 : 0;
                disagreed += inKernel != inJava ? 1 : 0;
                if (inKernel != inJava && disagreements.size() < 10) { // the first ten, with everything to reproduce them
                    disagreements.add("rule set " + r + " packet " + i + ": kernel " + (inKernel ? "keeps" : "drops") + ", java "
                            + (inJava ? "keeps" : "drops") + "\n  rules " + describe(rules) + "\n  packet " + p.text());
                }
            }
        }
        System.out.printf("filter agreement (seed %d): %d cases, %d matched, %d not matched, %d matched only as replies, "
                        + "%d IPv6, %d with ports, %d disagreements%n",
                seed, cases, matched, cases - matched, reversed, ipv6, withPorts, disagreed);
        if (disagreed > 0) {
            fail("kernel and Java disagree on " + disagreed + " of " + cases + " cases (seed " + seed + "), first ones:\n"
                    + String.join("\n", disagreements));
        }
        assertEquals(RULE_SETS * PACKETS_PER_RULE_SET, cases);
        // Not vacuous: both outcomes, both families, ports and replies are well represented.
        assertTrue(matched > cases / 5 && cases - matched > cases / 5, "matched " + matched + " of " + cases);
        assertTrue(ipv6 > cases / 5 && cases - ipv6 > cases / 5, "IPv6 " + ipv6 + " of " + cases);
        assertTrue(withPorts > cases / 5, "with ports " + withPorts);
        assertTrue(reversed > cases / 100, "matched only as replies " + reversed);
    }

    private static TupleRules oneWay(TupleRules r) {
        return new TupleRules(r.src(), r.dst(), r.either(), r.protocols(), r.srcPorts(), r.dstPorts(), r.eitherPorts(), false);
    }

    // ---- hand-picked edges with known answers: both sides must also be right, not only agree ----------

    private static Prefix prefix(String addr, int len) throws Exception {
        byte[] a = InetAddress.getByName(addr).getAddress();
        return new Prefix(a.length == 4 ? 4 : 6, a, len);
    }

    private static TupleRules rules(List<Prefix> src, List<Prefix> dst, List<Integer> protos, List<PortRange> sport,
                                    List<PortRange> dport, boolean both) {
        return new TupleRules(src, dst, List.of(), protos, sport, dport, List.of(), both);
    }

    private static void expect(boolean expected, TupleRules rules, Packet p) throws Exception {
        assertEquals(expected, rules.matches(p.event()), "java: " + describe(rules) + " on " + p.text());
        assertEquals(expected, kernel(rules, p), "kernel: " + describe(rules) + " on " + p.text());
    }

    private static Packet pkt(int proto, String src, int sport, String dst, int dport) throws Exception {
        byte[] s = InetAddress.getByName(src).getAddress();
        byte[] d = InetAddress.getByName(dst).getAddress();
        return Gen.build(s.length == 4 ? 4 : 6, proto, s, d, sport, dport, false, 0, 0);
    }

    @Test
    void prefixEdges() throws Exception {
        TupleRules slash15 = rules(List.of(prefix("198.18.0.0", 15)), List.of(), List.of(), List.of(), List.of(), false);
        expect(true, slash15, pkt(17, "198.18.0.0", 1, "10.0.0.1", 2));
        expect(true, slash15, pkt(17, "198.19.255.255", 1, "10.0.0.1", 2));
        expect(false, slash15, pkt(17, "198.20.0.0", 1, "10.0.0.1", 2));
        expect(false, slash15, pkt(17, "198.17.255.255", 1, "10.0.0.1", 2));
        expect(false, slash15, pkt(17, "2001:db8::1", 1, "2001:db8::2", 2));
        TupleRules any4 = rules(List.of(prefix("0.0.0.0", 0)), List.of(), List.of(), List.of(), List.of(), false);
        expect(true, any4, pkt(1, "255.255.255.255", 0, "0.0.0.0", 0));
        expect(false, any4, pkt(58, "::", 0, "::1", 0));
        TupleRules v6 = rules(List.of(), List.of(prefix("2001:db8::", 127)), List.of(), List.of(), List.of(), false);
        expect(true, v6, pkt(6, "2001:db8:1::2", 1, "2001:db8::1", 80));
        expect(false, v6, pkt(6, "2001:db8:1::2", 1, "2001:db8::2", 80));
        TupleRules host = rules(List.of(), List.of(prefix("2001:db8::ffff", 128)), List.of(), List.of(), List.of(), false);
        expect(true, host, pkt(6, "2001:db8:1::2", 1, "2001:db8::ffff", 80));
        expect(false, host, pkt(6, "2001:db8:1::2", 1, "2001:db8::fffe", 80));
    }

    @Test
    void portRangesProtocolsAndReplies() throws Exception {
        TupleRules range = rules(List.of(), List.of(), List.of(6, 17), List.of(), List.of(new PortRange(1000, 2000)), false);
        expect(false, range, pkt(6, "198.18.1.2", 5, "198.18.2.2", 999));
        expect(true, range, pkt(6, "198.18.1.2", 5, "198.18.2.2", 1000));
        expect(true, range, pkt(17, "198.18.1.2", 5, "198.18.2.2", 2000));
        expect(false, range, pkt(17, "198.18.1.2", 5, "198.18.2.2", 2001));
        expect(false, range, pkt(132, "198.18.1.2", 5, "198.18.2.2", 1500)); // SCTP: no ports in the filter's view
        TupleRules anyPortIcmp = rules(List.of(), List.of(), List.of(), List.of(new PortRange(0, 65535)), List.of(), false);
        expect(true, anyPortIcmp, pkt(6, "198.18.1.2", 65535, "198.18.2.2", 0));
        expect(false, anyPortIcmp, pkt(1, "198.18.1.2", 0, "198.18.2.2", 0)); // a port key never matches ICMP
        TupleRules flow = rules(List.of(prefix("198.18.1.2", 32)), List.of(), List.of(6), List.of(), List.of(new PortRange(80, 80)), false);
        TupleRules flowBoth = rules(flow.src(), List.of(), flow.protocols(), List.of(), flow.dstPorts(), true);
        Packet request = pkt(6, "198.18.1.2", 40000, "198.18.2.2", 80);
        Packet reply = pkt(6, "198.18.2.2", 80, "198.18.1.2", 40000);
        expect(true, flow, request);
        expect(false, flow, reply);
        expect(true, flowBoth, request);
        expect(true, flowBoth, reply);
        expect(false, flowBoth, pkt(6, "198.18.2.2", 81, "198.18.1.2", 40000));
    }

    @Test
    void anEmptyRuleSetKeepsEverything() throws Exception {
        expect(true, TupleRules.matchAll(), pkt(6, "198.18.1.2", 1, "198.18.2.2", 2));
        expect(true, TupleRules.matchAll(), pkt(47, "2001:db8::1", 0, "2001:db8::2", 0));
    }

    private static String describe(TupleRules r) {
        StringBuilder sb = new StringBuilder("{");
        part(sb, "src", r.src().stream().map(FilterAgreementKernelTest::prefixText).toList());
        part(sb, "dst", r.dst().stream().map(FilterAgreementKernelTest::prefixText).toList());
        part(sb, "either", r.either().stream().map(FilterAgreementKernelTest::prefixText).toList());
        part(sb, "proto", r.protocols());
        part(sb, "sport", r.srcPorts().stream().map(p -> p.low() + "-" + p.high()).toList());
        part(sb, "dport", r.dstPorts().stream().map(p -> p.low() + "-" + p.high()).toList());
        part(sb, "port", r.eitherPorts().stream().map(p -> p.low() + "-" + p.high()).toList());
        return sb.append(r.bothDirections() ? " reply" : "").append(" }").toString();
    }

    private static void part(StringBuilder sb, String key, List<?> values) {
        if (!values.isEmpty()) {
            sb.append(' ').append(key).append('=').append(values);
        }
    }

    private static String prefixText(Prefix p) {
        try {
            return InetAddress.getByAddress(p.address()).getHostAddress() + "/" + p.length();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seeded generator of rule sets and of packets near their edges. */
    static final class Gen {
        private static final int[] V4_LENGTHS = {0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32};
        private static final int[] V6_LENGTHS = {0, 1, 7, 8, 9, 31, 32, 33, 48, 63, 64, 65, 96, 127, 128};
        private static final int[] PORT_EDGES = {0, 1, 53, 80, 443, 1023, 1024, 32768, 65534, 65535};
        private final Random rnd;
        // A few base addresses per family, so that generated prefixes overlap and packets hit them.
        private final List<byte[]> v4Bases = new ArrayList<>();
        private final List<byte[]> v6Bases = new ArrayList<>();

        Gen(Random rnd) {
            this.rnd = rnd;
            for (int i = 0; i < 3; i++) {
                v4Bases.add(randomBytes(4));
                v6Bases.add(randomBytes(16));
            }
        }

        private byte[] randomBytes(int n) {
            byte[] b = new byte[n];
            rnd.nextBytes(b);
            return b;
        }

        private boolean chance(double p) {
            return rnd.nextDouble() < p;
        }

        private <T> T pick(List<T> list) {
            return list.get(rnd.nextInt(list.size()));
        }

        /** An address near a base: the base with its low bits randomized from a random bit on. */
        private byte[] nearBase(int family) {
            byte[] a = (family == 4 ? pick(v4Bases) : pick(v6Bases)).clone();
            int bits = a.length * 8;
            int keep = rnd.nextInt(bits + 1);
            BigInteger v = new BigInteger(1, a);
            BigInteger low = new BigInteger(bits, rnd);
            BigInteger mask = BigInteger.ONE.shiftLeft(bits - keep).subtract(BigInteger.ONE);
            return bytes(v.andNot(mask).or(low.and(mask)), a.length);
        }

        private int count() {
            double x = rnd.nextDouble();
            return x < 0.6 ? 1 : x < 0.85 ? 2 : x < 0.95 ? 3 : TupleRules.MAX_ALTERNATIVES;
        }

        private List<Prefix> prefixes(double p, int family) {
            List<Prefix> out = new ArrayList<>();
            if (!chance(p)) {
                return out;
            }
            for (int i = count(); i > 0; i--) {
                int f = chance(0.8) ? family : 10 - family;
                int[] lengths = f == 4 ? V4_LENGTHS : V6_LENGTHS;
                int len = chance(0.8) ? lengths[rnd.nextInt(lengths.length)] : rnd.nextInt(f == 4 ? 33 : 129);
                out.add(new Prefix(f, chance(0.9) ? nearBase(f) : randomBytes(f == 4 ? 4 : 16), len));
            }
            return out;
        }

        private List<PortRange> ports(double p) {
            List<PortRange> out = new ArrayList<>();
            if (!chance(p)) {
                return out;
            }
            for (int i = count(); i > 0; i--) {
                int low = chance(0.7) ? PORT_EDGES[rnd.nextInt(PORT_EDGES.length)] : rnd.nextInt(65536);
                int high = chance(0.4) ? low : chance(0.5) ? Math.min(65535, low + 1 + rnd.nextInt(3)) : low + rnd.nextInt(65536 - low);
                out.add(new PortRange(low, high));
            }
            return out;
        }

        TupleRules rules() {
            int family = chance(0.5) ? 4 : 6;
            List<Integer> protos = new ArrayList<>();
            if (chance(0.4)) {
                for (int i = count(); i > 0; i--) {
                    protos.add(chance(0.85) ? PROTOCOLS[rnd.nextInt(PROTOCOLS.length)] : rnd.nextInt(256));
                }
            }
            TupleRules r;
            do {
                r = new TupleRules(prefixes(0.4, family), prefixes(0.4, family), prefixes(0.15, family), protos,
                        ports(0.25), ports(0.3), ports(0.1), chance(0.35));
            } while (r.isEmpty() && chance(0.8)); // a few empty rule sets: the filter is then disabled
            return r;
        }

        /** An address relative to one of the rules' prefixes of that family (its edges), or anywhere. */
        private byte[] address(TupleRules r, int family) {
            List<Prefix> candidates = new ArrayList<>();
            for (List<Prefix> l : List.of(r.src(), r.dst(), r.either())) {
                l.stream().filter(p -> p.family() == family).forEach(candidates::add);
            }
            int n = family == 4 ? 4 : 16;
            if (candidates.isEmpty() || chance(0.15)) {
                return chance(0.5) ? nearBase(family) : randomBytes(n);
            }
            Prefix p = pick(candidates);
            int bits = n * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - p.length()).subtract(BigInteger.ONE));
            BigInteger net = new BigInteger(1, p.address()).and(mask);
            BigInteger last = net.or(mask.not().and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)));
            BigInteger inside = net.or(new BigInteger(bits, rnd).andNot(mask));
            BigInteger a;
            switch (rnd.nextInt(6)) {
                case 0: a = net; break;                              // first inside
                case 1: a = last; break;                             // last inside
                case 2: a = last.add(BigInteger.ONE); break;         // first outside, above
                case 3: a = net.subtract(BigInteger.ONE); break;     // last outside, below
                case 4: a = inside; break;
                default: a = inside.flipBit(bits - 1 - rnd.nextInt(Math.max(1, p.length()))); break; // one prefix bit off
            }
            return bytes(a, n);
        }

        private int port(TupleRules r) {
            List<PortRange> all = new ArrayList<>(r.srcPorts());
            all.addAll(r.dstPorts());
            all.addAll(r.eitherPorts());
            if (all.isEmpty() || chance(0.15)) {
                return chance(0.5) ? PORT_EDGES[rnd.nextInt(PORT_EDGES.length)] : rnd.nextInt(65536);
            }
            PortRange pr = pick(all);
            int[] choices = {pr.low() - 1, pr.low(), pr.high(), pr.high() + 1, pr.low() + rnd.nextInt(pr.high() - pr.low() + 1)};
            return Math.floorMod(choices[rnd.nextInt(choices.length)], 65536);
        }

        Packet packet(TupleRules r) {
            List<Prefix> all = new ArrayList<>(r.src());
            all.addAll(r.dst());
            all.addAll(r.either());
            int family = !all.isEmpty() && chance(0.75) ? pick(all).family() : (chance(0.5) ? 4 : 6);
            int proto;
            if (!r.protocols().isEmpty() && chance(0.7)) {
                proto = pick(r.protocols());
            } else if (chance(0.6)) {
                proto = chance(0.5) ? 6 : 17;
            } else {
                proto = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
            }
            if (family == 6 && (proto == 0 || proto == 43 || proto == 60)) {
                proto = 17; // in IPv6 these numbers are extension headers, which the parser walks past
            }
            byte[] src = address(r, family);
            byte[] dst = address(r, family);
            int sport = port(r);
            int dport = port(r);
            if (chance(0.3)) { // the reply direction
                byte[] t = src;
                src = dst;
                dst = t;
                int tp = sport;
                sport = dport;
                dport = tp;
            }
            boolean fragment = family == 4 && chance(0.05);
            int extHeaders = family == 6 && chance(0.15) ? 1 + rnd.nextInt(2) : 0;
            int ipOptionWords = family == 4 && chance(0.1) ? 1 + rnd.nextInt(10) : 0;
            return build(family, proto, src, dst, sport, dport, fragment, extHeaders, ipOptionWords);
        }

        /** An Ethernet frame and the event a probe would make of it (ports only for TCP/UDP first fragments). */
        static Packet build(int family, int proto, byte[] src, byte[] dst, int sport, int dport, boolean fragment,
                            int extHeaders, int ipOptionWords) {
            ByteBuffer b = ByteBuffer.allocate(200);
            b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
            b.putShort((short) (family == 4 ? 0x0800 : 0x86DD));
            if (family == 4) {
                b.put((byte) (0x40 | (5 + ipOptionWords))).put((byte) 0).putShort((short) 0).putShort((short) 1);
                b.putShort((short) (fragment ? 0x2000 | 185 : 0x4000)); // MF + offset 1480 bytes / DF
                b.put((byte) 64).put((byte) proto).putShort((short) 0).put(src).put(dst);
                for (int i = 0; i < ipOptionWords; i++) {
                    b.putInt(0x01010101); // NOPs
                }
            } else {
                b.putInt(0x60000000).putShort((short) 0);
                b.put((byte) (extHeaders > 0 ? 0 : proto)).put((byte) 64).put(src).put(dst);
                for (int i = 0; i < extHeaders; i++) {
                    int next = i == extHeaders - 1 ? proto : 60;
                    b.put((byte) next).put((byte) 0).put(new byte[] {1, 4, 0, 0, 0, 0}); // PadN: 8 bytes in all
                }
            }
            int l4 = b.position();
            b.putShort((short) sport).putShort((short) dport).put(new byte[16]);
            if (proto == 1 || proto == 58) {
                b.put(l4, (byte) 8); // echo request; id and seq follow in the port bytes' place
            }
            byte[] frame = Arrays.copyOf(b.array(), b.position());
            boolean ports = (proto == 6 || proto == 17) && !fragment;
            PacketEvent e = new PacketEvent().family(family).protocol(proto).src(src).dst(dst)
                    .srcPort(ports ? sport : 0).dstPort(ports ? dport : 0);
            String text = "IPv" + family + " proto " + proto + " " + endpoint(src, ports, sport) + " -> "
                    + endpoint(dst, ports, dport) + (fragment ? " (non-first fragment)" : "")
                    + (extHeaders > 0 ? " (" + extHeaders + " extension headers)" : "")
                    + (ipOptionWords > 0 ? " (" + ipOptionWords * 4 + " bytes of IP options)" : "");
            return new Packet(frame, e, text);
        }

        private static String endpoint(byte[] a, boolean withPort, int port) {
            try {
                String host = InetAddress.getByAddress(a).getHostAddress();
                return !withPort ? host : a.length == 16 ? "[" + host + "]:" + port : host + ":" + port;
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The low {@code n} bytes of v (mod 2^(8n)), big-endian. */
        static byte[] bytes(BigInteger v, int n) {
            BigInteger m = v.mod(BigInteger.ONE.shiftLeft(n * 8));
            byte[] raw = m.toByteArray();
            byte[] out = new byte[n];
            int copy = Math.min(n, raw.length);
            System.arraycopy(raw, raw.length - copy, out, n - copy, copy);
            return out;
        }
    }
}
