package io.pkttrace.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The flow sink's printout read back: one block per packet, a header line and its hops. */
final class FlowBlocks {
    private static final Pattern HOP = Pattern.compile(
            "^\\s+\\+([0-9]+\\.[0-9]) µs\\s+\\[(\\d+)(?: \\(([^)]*)\\))?]\\s+(\\S+)\\s+(\\S+)(?:\\s+(.*))?$");

    /** One hop: namespace (name where it has one, else inode), interface, hook, microseconds since the previous hop, details. */
    record Hop(String netns, String ifname, String hook, double deltaMicros, String details) {
        /** The hop without time and details, for comparing paths. */
        Hop place() {
            return new Hop(netns, ifname, hook, 0, "");
        }
    }

    /** One packet: its header line and hops. */
    record Block(String header, List<Hop> hops) {
        List<Hop> places() {
            return hops.stream().map(Hop::place).toList();
        }
    }

    private FlowBlocks() {
    }

    static Hop at(String netns, String ifname, String hook) {
        return new Hop(netns, ifname, hook, 0, "");
    }

    static List<Block> parse(String flowOutput) {
        List<Block> out = new ArrayList<>();
        for (String line : flowOutput.lines().toList()) {
            if (line.startsWith("#")) {
                out.add(new Block(line, new ArrayList<>()));
                continue;
            }
            Matcher m = HOP.matcher(line);
            if (m.matches() && !out.isEmpty()) {
                out.get(out.size() - 1).hops().add(new Hop(m.group(3) != null ? m.group(3) : m.group(2), m.group(4), m.group(5),
                        Double.parseDouble(m.group(1)), m.group(6) == null ? "" : m.group(6)));
            }
        }
        return out;
    }

    /** The one block whose header matches {@code headerRegex}; fails naming the output otherwise. */
    static Block only(List<Block> blocks, String headerRegex, String output) {
        List<Block> found = blocks.stream().filter(b -> b.header().matches(headerRegex)).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " packets like /" + headerRegex + "/ in:\n" + output);
        }
        return found.get(0);
    }

    /** The number of a block ("#12 ..." is 12). */
    static String number(Block b) {
        return b.header().substring(1, b.header().indexOf(' '));
    }
}
