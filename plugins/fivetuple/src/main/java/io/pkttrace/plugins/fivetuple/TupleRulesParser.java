package io.pkttrace.plugins.fivetuple;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.TupleRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the user's five-tuple options (pkt_tracer's {@code -a key=value} keys) into {@link TupleRules}.
 *
 * <p>Keys: {@code src}, {@code dest} (alias {@code dst}), {@code protocol} (alias {@code proto}),
 * {@code sport}, {@code dport}, {@code either} (an address matching the source or the destination),
 * {@code port} (a port matching either direction) and {@code reply=true|false} (also keep the reverse
 * direction of the matched flow). Different keys are ANDed; a key given several times, or a value
 * with comma-separated alternatives, is ORed, up to {@link TupleRules#MAX_ALTERNATIVES} per key.
 *
 * <p>Values: IPv4 and IPv6 addresses and CIDR prefixes ({@code 198.18.0.0/15}, {@code 2001:db8::/32});
 * protocols by name ({@code tcp}, {@code udp}, {@code icmp}, {@code icmp6}, ...) or number 0-255;
 * ports and inclusive ranges ({@code 1000-2000}) in host byte order. Every mistake is a
 * {@link ConfigException} with one line that names the key and the bad value.
 */
public final class TupleRulesParser {
    private static final Map<String, Integer> PROTOCOLS = protocols();
    private static final Pattern PORT_RANGE = Pattern.compile("(\\d+)-(\\d+)");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");
    private static final String ADDRESS_HINT =
            "write an IPv4 or IPv6 address, optionally with /LEN (e.g. 198.18.1.2, 198.18.0.0/15, 2001:db8::/32)";
    private static final String PORT_HINT = "write a port or an inclusive range LOW-HIGH (e.g. 80, 1000-2000), ports are 0 to 65535";

    private TupleRulesParser() {
    }

    private static Map<String, Integer> protocols() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("tcp", PacketEvent.PROTO_TCP);
        m.put("udp", PacketEvent.PROTO_UDP);
        m.put("icmp", PacketEvent.PROTO_ICMP);
        m.put("icmp6", PacketEvent.PROTO_ICMPV6);
        m.put("icmpv6", PacketEvent.PROTO_ICMPV6);
        m.put("ipv6-icmp", PacketEvent.PROTO_ICMPV6);
        m.put("sctp", 132);
        m.put("gre", 47);
        m.put("esp", 50);
        m.put("ah", 51);
        m.put("igmp", 2);
        m.put("ipip", 4);
        m.put("ipencap", 4);
        m.put("ipv6", 41);
        m.put("ospf", 89);
        m.put("pim", 103);
        m.put("vrrp", 112);
        m.put("l2tp", 115);
        m.put("udplite", 136);
        m.put("mpls-in-ip", 137);
        return m;
    }

    /** The IP protocol number of a name from {@link #protocolNames()}, or null. */
    static Integer protocolNumber(String name) {
        return PROTOCOLS.get(name.toLowerCase(Locale.ROOT));
    }

    /** Protocol names the filter knows. */
    public static List<String> protocolNames() {
        return List.copyOf(PROTOCOLS.keySet());
    }

    /** Builds the rules from options checked against the filter's declaration; the first mistake is thrown. */
    public static TupleRules parse(Options options) throws ConfigException {
        String c = options.component();
        // The same value twice (e.g. through an alias) would only use up one of the kernel's slots.
        List<TupleRules.Prefix> src = limit(c, FiveTupleFilterFactory.SRC, distinctPrefixes(options.get(FiveTupleFilterFactory.SRC)));
        List<TupleRules.Prefix> dst = limit(c, FiveTupleFilterFactory.DEST, distinctPrefixes(options.get(FiveTupleFilterFactory.DEST)));
        List<TupleRules.Prefix> either = limit(c, FiveTupleFilterFactory.EITHER,
                distinctPrefixes(options.get(FiveTupleFilterFactory.EITHER)));
        List<Integer> protocols = limit(c, FiveTupleFilterFactory.PROTOCOL, distinct(options.get(FiveTupleFilterFactory.PROTOCOL)));
        List<TupleRules.PortRange> sport = limit(c, FiveTupleFilterFactory.SPORT, distinct(options.get(FiveTupleFilterFactory.SPORT)));
        List<TupleRules.PortRange> dport = limit(c, FiveTupleFilterFactory.DPORT, distinct(options.get(FiveTupleFilterFactory.DPORT)));
        List<TupleRules.PortRange> eport = limit(c, FiveTupleFilterFactory.PORT, distinct(options.get(FiveTupleFilterFactory.PORT)));
        List<String> reply = options.get(FiveTupleFilterFactory.REPLY);
        boolean both = !reply.isEmpty() && bool(c + ": " + FiveTupleFilterFactory.REPLY.key(), reply);
        boolean anyPort = !sport.isEmpty() || !dport.isEmpty() || !eport.isEmpty();
        if (anyPort && !protocols.isEmpty() && !protocols.contains(PacketEvent.PROTO_TCP)
                && !protocols.contains(PacketEvent.PROTO_UDP)) {
            throw new ConfigException(c + ": ports only match tcp and udp packets, but protocol is "
                    + String.join(",", protocols.stream().map(TupleRulesParser::protocolName).toList()),
                    "remove the port keys or add protocol=tcp or protocol=udp");
        }
        return new TupleRules(src, dst, either, protocols, sport, dport, eport, both);
    }

    private static <T> List<T> distinct(List<T> list) {
        return new ArrayList<>(new LinkedHashSet<>(list));
    }

    private static List<TupleRules.Prefix> distinctPrefixes(List<TupleRules.Prefix> list) {
        List<TupleRules.Prefix> out = new ArrayList<>();
        for (TupleRules.Prefix p : list) {
            if (out.stream().noneMatch(q -> q.family() == p.family() && q.length() == p.length()
                    && Arrays.equals(q.address(), p.address()))) {
                out.add(p);
            }
        }
        return out;
    }

    private static String protocolName(int number) {
        for (Map.Entry<String, Integer> e : PROTOCOLS.entrySet()) {
            if (e.getValue() == number) {
                return e.getKey();
            }
        }
        return Integer.toString(number);
    }

    private static <T> List<T> limit(String component, Option<?> key, List<T> values) throws ConfigException {
        if (values.size() > TupleRules.MAX_ALTERNATIVES) {
            throw new ConfigException(component + ": " + key.key() + " has " + values.size() + " values, at most "
                    + TupleRules.MAX_ALTERNATIVES + " are supported per key", "narrow the list, e.g. with a prefix or a port range");
        }
        return values;
    }

    private static boolean bool(String where, List<String> pieces) throws ConfigException {
        if (pieces.size() != 1) {
            throw new ConfigException(where + " is given more than once", "give reply=true or reply=false once");
        }
        switch (pieces.get(0).toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default:
                throw new ConfigException(where + ": '" + pieces.get(0) + "' is not true or false", "write reply=true or reply=false");
        }
    }

    /** A protocol name or number 0-255. */
    static int protocol(String where, String text) throws ConfigException {
        if (DIGITS.matcher(text).matches()) {
            if (text.length() > 3 || Integer.parseInt(text) > 255) {
                throw new ConfigException(where + ": protocol number " + text + " is out of range", "IP protocol numbers are 0 to 255");
            }
            return Integer.parseInt(text);
        }
        Integer n = protocolNumber(text);
        if (n == null) {
            throw new ConfigException(where + ": unknown protocol '" + text + "'",
                    "use a name (" + String.join(", ", PROTOCOLS.keySet()) + ") or a number 0 to 255");
        }
        return n;
    }

    /** A port or an inclusive range LOW-HIGH, host byte order. */
    static TupleRules.PortRange portRange(String where, String text) throws ConfigException {
        if (DIGITS.matcher(text).matches()) {
            int p = port(where, text);
            return new TupleRules.PortRange(p, p);
        }
        Matcher m = PORT_RANGE.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(where + ": '" + text + "' is not a port or a port range", PORT_HINT);
        }
        int low = port(where, m.group(1));
        int high = port(where, m.group(2));
        if (low > high) {
            throw new ConfigException(where + ": port range " + text + " is reversed", "write the lower port first: " + high + "-" + low);
        }
        return new TupleRules.PortRange(low, high);
    }

    private static int port(String where, String digits) throws ConfigException {
        String d = digits.replaceFirst("^0+(?=\\d)", "");
        if (d.length() > 5 || Integer.parseInt(d) > 65535) {
            throw new ConfigException(where + ": port " + digits + " is out of range", "ports are 0 to 65535");
        }
        return Integer.parseInt(d);
    }

    /** An IPv4 or IPv6 address, optionally with a prefix length; a bare address is a /32 or /128. */
    static TupleRules.Prefix prefix(String where, String text) throws ConfigException {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = addr.indexOf(':') >= 0 ? ipv6(addr) : ipv4(addr);
        if (bytes == null) {
            throw new ConfigException(where + ": '" + addr + "' is not an IPv4 or IPv6 address", ADDRESS_HINT);
        }
        int family = bytes.length == 4 ? PacketEvent.FAMILY_IPV4 : PacketEvent.FAMILY_IPV6;
        int max = bytes.length * 8;
        int length = max;
        if (slash >= 0) {
            String len = text.substring(slash + 1);
            if (!DIGITS.matcher(len).matches()) {
                throw new ConfigException(where + ": '" + text + "' has no valid prefix length after '/'",
                        "write ADDRESS/LEN with LEN 0 to " + max + " (e.g. " + (max == 32 ? "198.18.0.0/15" : "2001:db8::/32") + ")");
            }
            if (len.length() > 3 || Integer.parseInt(len) > max) {
                throw new ConfigException(where + ": prefix length " + len + " in '" + text + "' is out of range for IPv"
                        + family, "use 0 to " + max);
            }
            length = Integer.parseInt(len);
        }
        return new TupleRules.Prefix(family, bytes, length);
    }

    /** Dotted quad, four decimal octets without leading zeros (as inet_pton); null if malformed. */
    static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (!DIGITS.matcher(p).matches() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** RFC 4291 text: hex groups, at most one "::", an optional trailing dotted quad; null if malformed. */
    static byte[] ipv6(String s) {
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
            return null; // "::" twice (or ":::")
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        if (dc < 0) {
            if (!groups(s, head, true) || head.size() != 8) {
                return null;
            }
        } else if (!groups(s.substring(0, dc), head, false) || !groups(s.substring(dc + 2), tail, true)
                || head.size() + tail.size() > 7) {
            return null;
        }
        int[] g = new int[8];
        for (int i = 0; i < head.size(); i++) {
            g[i] = head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            g[8 - tail.size() + i] = tail.get(i);
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (g[i] >> 8);
            out[2 * i + 1] = (byte) g[i];
        }
        return out;
    }

    /**
     * Parses colon-separated hex groups of 1 to 4 digits into {@code out}; with {@code allowV4} the
     * last piece may be a dotted quad (two groups). An empty string has no groups. False if malformed.
     */
    private static boolean groups(String s, List<Integer> out, boolean allowV4) {
        if (s.isEmpty()) {
            return true;
        }
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (allowV4 && i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] q = ipv4(p);
                if (q == null) {
                    return false;
                }
                out.add(((q[0] & 0xff) << 8) | (q[1] & 0xff));
                out.add(((q[2] & 0xff) << 8) | (q[3] & 0xff));
                continue;
            }
            if (!HEX_GROUP.matcher(p).matches()) {
                return false;
            }
            out.add(Integer.parseInt(p, 16));
        }
        return true;
    }
}
