package io.pkttrace.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One row of the console sink, parsed back: what the user reads. */
record TraceRow(String netns, String ifname, String hook, String type, String addresses) {
    private static final Pattern ROW = Pattern.compile(
            "^\\[(\\d+)(?: \\(([^)]*)\\))?\\]\\s+(\\S+)\\s+(\\S+)\\s+(request|reply|\\S+)\\s+(\\S+ -> \\S+)(?:\\s+(.*))?$");

    /** Rows of console output; the namespace is given by name where it has one. */
    static List<TraceRow> parse(String stdout) {
        List<TraceRow> rows = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                rows.add(new TraceRow(m.group(2) != null ? m.group(2) : m.group(1), m.group(3), m.group(4), m.group(5), m.group(6)));
            }
        }
        return rows;
    }

    @Override
    public String toString() {
        return netns + " " + ifname + " " + hook + " " + type + " " + addresses;
    }
}
