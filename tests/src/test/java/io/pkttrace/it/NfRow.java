package io.pkttrace.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of the console sink with its IPTABLES and INFO columns, parsed back: what the user reads.
 * {@code iptables} is empty for device rows.
 */
record NfRow(String netns, String ifname, String hook, String type, String addresses, String iptables, String info) {
    private static final Pattern ROW = Pattern.compile("^\\[(\\d+)(?: \\(([^)]*)\\))?\\]\\s+(\\S+)\\s+(\\S+)\\s+"
            + "(request|reply|udp|tcp|icmp6? \\d+/\\d+|\\S+)\\s+(\\S+ -> \\S+)"
            + "(?:\\s+(\\S+\\.\\S+ :(?:(?:JUMP|GOTO) \\S+|[A-Z]+)))?(?:\\s+(.*))?$");

    static List<NfRow> parse(String stdout) {
        List<NfRow> rows = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                rows.add(new NfRow(m.group(2) != null ? m.group(2) : m.group(1), m.group(3), m.group(4), m.group(5), m.group(6),
                        m.group(7) == null ? "" : m.group(7), m.group(8) == null ? "" : m.group(8)));
            }
        }
        return rows;
    }

    /** A device row. */
    static NfRow dev(String netns, String ifname, String hook, String type, String addresses, String info) {
        return new NfRow(netns, ifname, hook, type, addresses, "", info);
    }

    @Override
    public String toString() {
        return String.join(" | ", netns, ifname, hook, type, addresses, iptables, info);
    }
}
