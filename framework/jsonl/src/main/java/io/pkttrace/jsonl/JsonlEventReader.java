package io.pkttrace.jsonl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/**
 * Reads JSON Lines written by {@link JsonlEventWriter} (the json sink; schema {@link JsonLines}, docs/json-schema.md)
 * back into {@link PacketEvent}s, for {@code pkttrace replay}.
 *
 * <p>Each line must hold one object with {@code "v": 1}; unknown fields are ignored (later v1 writers
 * may add fields), a {@code "type":"summary"} object is skipped, blank lines are skipped. Anything
 * else fails with one line naming the file and line: {@code f.jsonl line 7: ...}. A last line cut off
 * without its newline (a recording that was killed mid-write) is not an error: it is skipped and
 * reported by {@link #truncatedTail()}.
 */
public final class JsonlEventReader implements AutoCloseable {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final int MAX_LINE = 1 << 20;

    private final Reader in;
    private final String name;
    private char[] line = new char[512];
    private int lineLength;
    private long lineNumber;
    private boolean lineEnded;
    private boolean eof;
    private String truncatedTail;
    private long clockOffsetNs;
    private boolean haveClockOffset;
    private long events;
    private long skipped;

    /** @param name how messages name the input, e.g. the file name */
    public JsonlEventReader(Reader in, String name) {
        this.in = in;
        this.name = name;
    }

    /** Opens a file, or standard input for {@code -}. */
    public static JsonlEventReader open(String file) throws PkttraceException {
        if (file.equals("-")) {
            return new JsonlEventReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), "standard input");
        }
        Path p = Path.of(file);
        if (Files.isDirectory(p)) {
            throw new PkttraceException("cannot read " + file + ": it is a directory", "give a .jsonl file written by --sink json");
        }
        try {
            InputStream s = Files.newInputStream(p);
            return new JsonlEventReader(new InputStreamReader(s, StandardCharsets.UTF_8), file);
        } catch (NoSuchFileException e) {
            throw new PkttraceException("cannot read " + file + ": no such file", null);
        } catch (AccessDeniedException e) {
            throw new PkttraceException("cannot read " + file + ": permission denied", null);
        } catch (IOException e) {
            throw new PkttraceException("cannot read " + file + ": " + e.getMessage(), null);
        }
    }

    /**
     * Reads the next event into {@code e} (cleared first).
     *
     * @return false at the end of the input
     */
    public boolean next(PacketEvent e) throws PkttraceException {
        while (readLine()) {
            if (isBlank()) {
                continue;
            }
            try {
                if (parse(e.clear())) {
                    return true;
                }
            } catch (CutOff c) {
                truncatedTail = name + " line " + lineNumber + ": incomplete last line ignored (the recording was cut off)";
                e.clear();
                return false;
            }
        }
        return false;
    }

    /** Line number of the last line read (1-based). */
    public long lineNumber() {
        return lineNumber;
    }

    /** Events returned so far. */
    public long events() {
        return events;
    }

    /** Non-event objects (summaries) skipped so far. */
    public long skipped() {
        return skipped;
    }

    /**
     * Unix-epoch time minus kernel monotonic time of the recording, from its first event's
     * {@code time} and {@code ts_ns}; empty before the first event or if it had no {@code time}.
     */
    public OptionalLong clockOffsetNs() {
        return haveClockOffset ? OptionalLong.of(clockOffsetNs) : OptionalLong.empty();
    }

    /** A message when the last line was cut off and skipped, else null. */
    public String truncatedTail() {
        return truncatedTail;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // reading is over
        }
    }

    private boolean readLine() throws PkttraceException {
        if (eof) {
            return false;
        }
        lineLength = 0;
        lineEnded = false;
        try {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    lineEnded = true;
                    break;
                }
                if (lineLength == line.length) {
                    if (line.length >= MAX_LINE) {
                        lineNumber++; // the line being read: counted only once it ends, elsewhere
                        throw fail("line longer than " + MAX_LINE + " characters");
                    }
                    line = java.util.Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = (char) c;
            }
            if (c < 0) {
                eof = true;
            }
        } catch (IOException ex) {
            throw new PkttraceException("cannot read " + name + ": " + ex.getMessage(), null);
        }
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        if (lineLength == 0 && eof && !lineEnded) {
            return false;
        }
        lineNumber++;
        return true;
    }

    private boolean isBlank() {
        for (int i = 0; i < lineLength; i++) {
            if (!Character.isWhitespace(line[i])) {
                return false;
            }
        }
        return true;
    }

    private PkttraceException fail(String what) {
        return new PkttraceException(name + " line " + lineNumber + ": " + what, null);
    }

    /** The last line ends inside a JSON value and has no newline: a recording cut off mid-write. */
    private static final class CutOff extends Exception {
        private static final long serialVersionUID = 1L;

        CutOff() {
            super(null, null, false, false);
        }
    }

    /** @return true for an event, false for a skipped record */
    private boolean parse(PacketEvent e) throws PkttraceException, CutOff {
        try (JsonParser p = FACTORY.createParser(line, 0, lineLength)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw fail("not a JSON object (expected JSON Lines written by --sink json)");
            }
            Fields f = new Fields();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                read(p, field, e, f);
            }
            if (t != JsonToken.END_OBJECT) {
                throw fail("malformed object");
            }
            if (p.nextToken() != null) {
                throw fail("more than one JSON value on the line");
            }
            return finish(e, f);
        } catch (JsonEOFException ex) {
            if (!lineEnded) {
                throw new CutOff();
            }
            throw fail("invalid JSON: " + ex.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (JsonProcessingException ex) {
            throw fail("invalid JSON: " + ex.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException ex) {
            throw fail(ex.getMessage());
        }
    }

    /** What the fields of one line said beyond the event itself. */
    private static final class Fields {
        Integer version;
        String type;
        boolean hasTs;
        String time;
        String src;
        String dst;
        Integer dropReason;
        String dropReasonName;
        String nfTable;
        String nfChain;
        String nfVerdict;
        Long nfRuleHandle;
        String nfRule;
        boolean nfRuleStale;
        String call;
        int depth;
        String outerSrc;
        String outerDst;
    }

    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("0x[0-9a-f]{1,16}");
    private static final java.util.regex.Pattern MAC = java.util.regex.Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final java.util.List<String> CALLS = JsonLines.CALL_VALUES.subList(1, JsonLines.CALL_VALUES.size());

    private void read(JsonParser p, String field, PacketEvent e, Fields f) throws IOException, PkttraceException {
        switch (field) {
            case JsonLines.V -> f.version = (int) integer(p, field, 0, Integer.MAX_VALUE);
            case JsonLines.TYPE -> f.type = string(p, field);
            case JsonLines.TS_NS -> {
                e.timestampNs(integer(p, field, 0, Long.MAX_VALUE));
                f.hasTs = true;
            }
            case JsonLines.TIME -> f.time = string(p, field);
            case JsonLines.CPU -> e.cpu((int) integer(p, field, 0, 65535));
            case JsonLines.PROBE -> e.probe(string(p, field));
            case JsonLines.HOOK -> e.hook(string(p, field));
            case JsonLines.PACKET_ID -> e.packetId(packetId(string(p, field)));
            case JsonLines.NETNS -> e.netnsInode(integer(p, field, 0, 0xffffffffL));
            case JsonLines.NETNS_NAME -> e.netnsName(string(p, field));
            case JsonLines.IFINDEX -> e.ifindex((int) integer(p, field, 0, Integer.MAX_VALUE));
            case JsonLines.IFNAME -> e.ifname(string(p, field));
            case JsonLines.PID -> e.pid((int) integer(p, field, 0, Integer.MAX_VALUE));
            case JsonLines.LEN -> e.length((int) integer(p, field, 0, Integer.MAX_VALUE));
            case JsonLines.SOCK_INO -> e.socketInode(integer(p, field, 0, Long.MAX_VALUE));
            case JsonLines.FAMILY -> {
                long v = integer(p, field, 4, 6);
                if (v != 4 && v != 6) {
                    throw fail("field 'family' must be 4 or 6, got " + v);
                }
                e.family((int) v);
            }
            case JsonLines.SRC -> f.src = string(p, field);
            case JsonLines.DST -> f.dst = string(p, field);
            case JsonLines.PROTO -> e.protocol((int) integer(p, field, 0, 255));
            case JsonLines.SPORT -> e.srcPort((int) integer(p, field, 0, 65535));
            case JsonLines.DPORT -> e.dstPort((int) integer(p, field, 0, 65535));
            case JsonLines.ICMP_TYPE -> e.icmpType((int) integer(p, field, 0, 255));
            case JsonLines.ICMP_CODE -> e.icmpCode((int) integer(p, field, 0, 255));
            case JsonLines.ICMP_ID -> e.icmpId((int) integer(p, field, 0, 65535));
            case JsonLines.ICMP_SEQ -> e.icmpSeq((int) integer(p, field, 0, 65535));
            case JsonLines.RET -> e.returnValue(integer(p, field, Long.MIN_VALUE, Long.MAX_VALUE));
            case JsonLines.NF_TABLE -> f.nfTable = string(p, field);
            case JsonLines.NF_CHAIN -> f.nfChain = string(p, field);
            case JsonLines.NF_VERDICT -> f.nfVerdict = string(p, field);
            case JsonLines.NF_FAMILY -> e.nfFamily(string(p, field));
            case JsonLines.NF_TARGET -> e.nfTarget(string(p, field));
            case JsonLines.NF_POLICY -> e.nfPolicy(bool(p, field));
            case JsonLines.NF_RULE_HANDLE -> f.nfRuleHandle = integer(p, field, 0, Long.MAX_VALUE);
            case JsonLines.NF_RULE -> f.nfRule = string(p, field);
            case JsonLines.NF_RULE_STALE -> f.nfRuleStale = bool(p, field);
            case JsonLines.DROP_REASON -> f.dropReason = (int) integer(p, field, 0, Integer.MAX_VALUE);
            case JsonLines.DROP_REASON_NAME -> f.dropReasonName = string(p, field);
            case JsonLines.RET_NAME -> e.returnValueName(string(p, field));
            case JsonLines.CALL -> f.call = string(p, field);
            case JsonLines.DEPTH -> f.depth = (int) integer(p, field, 0, 65535);
            case JsonLines.DURATION_NS -> e.durationNs(integer(p, field, 0, Long.MAX_VALUE));
            case JsonLines.PARENT_PACKET_ID -> e.parentPacketId(hexId(string(p, field), field));
            case JsonLines.OUTER_FAMILY -> {
                long v = integer(p, field, 4, 6);
                if (v != 4 && v != 6) {
                    throw fail("field 'outer_family' must be 4 or 6, got " + v);
                }
                e.outerFamily((int) v);
            }
            case JsonLines.OUTER_SRC -> f.outerSrc = string(p, field);
            case JsonLines.OUTER_DST -> f.outerDst = string(p, field);
            case JsonLines.OUTER_PROTO -> e.outerProtocol((int) integer(p, field, 0, 255));
            case JsonLines.OUTER_SPORT -> e.outerPorts((int) integer(p, field, 0, 65535), e.outerDstPort());
            case JsonLines.OUTER_DPORT -> e.outerPorts(e.outerSrcPort(), (int) integer(p, field, 0, 65535));
            case JsonLines.ENCAP -> e.encap(string(p, field));
            case JsonLines.ATTRS -> attrs(p, e);
            case JsonLines.BYTES -> bytes(p, e);
            default -> p.skipChildren(); // a field added later within v1: not ours to judge
        }
    }

    private boolean finish(PacketEvent e, Fields f) throws PkttraceException {
        if (f.version == null) {
            throw fail("no schema version \"v\" (expected JSON Lines written by --sink json)");
        }
        if (f.version != JsonLines.VERSION) {
            throw new PkttraceException(name + " line " + lineNumber + ": schema version " + f.version
                    + " is not supported (this pkttrace reads version " + JsonLines.VERSION + ")", "replay it with a matching pkttrace");
        }
        if (f.type != null) {
            if (f.type.equals(JsonLines.SUMMARY)) {
                skipped++;
                return false;
            }
            throw fail("unknown record type '" + f.type + "'");
        }
        if (!f.hasTs) {
            throw fail("missing field 'ts_ns'");
        }
        if (e.family() == PacketEvent.FAMILY_NONE) {
            if (f.src != null || f.dst != null) {
                throw fail("'src'/'dst' given without 'family'");
            }
        } else {
            if (f.src == null || f.dst == null) {
                throw fail("'family' given without 'src' and 'dst'");
            }
            e.src(address(f.src, e.family(), "src"));
            e.dst(address(f.dst, e.family(), "dst"));
        }
        if (f.call != null) {
            int phase = CALLS.indexOf(f.call) + 1;
            if (phase == 0) {
                throw fail("field 'call' must be one of " + String.join(", ", CALLS) + ", got \"" + f.call + "\"");
            }
            e.call(phase, f.depth);
        }
        if (e.outerFamily() != PacketEvent.FAMILY_NONE) {
            if (f.outerSrc == null || f.outerDst == null) {
                throw fail("'outer_family' given without 'outer_src' and 'outer_dst'");
            }
            System.arraycopy(address(f.outerSrc, e.outerFamily(), "outer_src"), 0, e.outerSrcBytes(), 0,
                    e.outerFamily() == PacketEvent.FAMILY_IPV4 ? 4 : 16);
            System.arraycopy(address(f.outerDst, e.outerFamily(), "outer_dst"), 0, e.outerDstBytes(), 0,
                    e.outerFamily() == PacketEvent.FAMILY_IPV4 ? 4 : 16);
        }
        if (f.nfTable != null || f.nfChain != null || f.nfVerdict != null) {
            e.netfilter(f.nfTable, f.nfChain, f.nfVerdict);
        }
        if (f.nfRuleHandle != null) {
            e.nfRule(f.nfRuleHandle, f.nfRule, f.nfRuleStale);
        } else if (f.nfRule != null) {
            throw fail("'nf_rule' given without 'nf_rule_handle'");
        }
        if (f.dropReason != null) {
            e.drop(f.dropReason, f.dropReasonName);
        } else if (f.dropReasonName != null) {
            throw fail("'drop_reason_name' given without 'drop_reason'");
        }
        if (!haveClockOffset && f.time != null) {
            try {
                Instant t = Instant.parse(f.time);
                clockOffsetNs = t.getEpochSecond() * 1_000_000_000L + t.getNano() - e.timestampNs();
                haveClockOffset = true;
            } catch (DateTimeParseException | ArithmeticException ex) {
                throw fail("field 'time' is not an ISO-8601 time: '" + f.time + "'");
            }
        }
        events++;
        return true;
    }

    private long integer(JsonParser p, String field, long min, long max) throws IOException, PkttraceException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw fail("field '" + field + "' must be an integer, got " + shown(p));
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw fail("field '" + field + "' is out of range: " + p.getText());
        }
        long v = p.getLongValue();
        if (v < min || v > max) {
            throw fail("field '" + field + "' is out of range: " + v);
        }
        return v;
    }

    private boolean bool(JsonParser p, String field) throws IOException, PkttraceException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw fail("field '" + field + "' must be true or false, got " + shown(p));
        }
        return t == JsonToken.VALUE_TRUE;
    }

    private String string(JsonParser p, String field) throws IOException, PkttraceException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw fail("field '" + field + "' must be a string, got " + shown(p));
        }
        return p.getText();
    }

    private static String shown(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            return "an object";
        }
        if (t == JsonToken.START_ARRAY) {
            return "an array";
        }
        String s = t == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : p.getText();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** The packet's bytes, base64 as Jackson writes them; at most {@link PacketEvent#MAX_PACKET_BYTES}. */
    private void bytes(JsonParser p, PacketEvent e) throws IOException, PkttraceException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw fail("field '" + JsonLines.BYTES + "' must be a base64 string, got " + shown(p));
        }
        byte[] b;
        try {
            b = p.getBinaryValue();
        } catch (com.fasterxml.jackson.core.JsonParseException | IllegalArgumentException ex) {
            throw fail("field '" + JsonLines.BYTES + "' is not valid base64");
        }
        if (b.length > PacketEvent.MAX_PACKET_BYTES) {
            throw fail("field '" + JsonLines.BYTES + "' holds " + b.length + " bytes, more than " + PacketEvent.MAX_PACKET_BYTES);
        }
        e.packetBytes(b, 0, b.length);
    }

    private long packetId(String s) throws PkttraceException {
        return hexId(s, "packet_id");
    }

    private long hexId(String s, String field) throws PkttraceException {
        if (!s.startsWith("0x") || s.length() < 3 || s.length() > 18) {
            throw fail("field '" + field + "' must be a hex string like \"0xffff888004a1c000\", got \"" + s + "\"");
        }
        try {
            return Long.parseUnsignedLong(s.substring(2), 16);
        } catch (NumberFormatException ex) {
            throw fail("field '" + field + "' must be a hex string like \"0xffff888004a1c000\", got \"" + s + "\"");
        }
    }

    /**
     * The attrs object: integers are numbers; canonical strings as the json sink writes them are
     * hex (0x...), MAC (aa:bb:..) and IPv4 values again; any other string is text. So a replay
     * into --sink json writes them back identically.
     */
    private void attrs(JsonParser p, PacketEvent e) throws IOException, PkttraceException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw fail("field 'attrs' must be an object, got " + shown(p));
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName().intern(); // attribute names repeat on every line
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                e.attr(name, PacketEvent.AttrKind.NUMBER, integer(p, "attrs." + name, Long.MIN_VALUE, Long.MAX_VALUE));
            } else if (t == JsonToken.VALUE_STRING) {
                String v = p.getText();
                if (HEX.matcher(v).matches()) {
                    e.attr(name, PacketEvent.AttrKind.HEX, Long.parseUnsignedLong(v.substring(2), 16));
                } else if (MAC.matcher(v).matches()) {
                    e.attr(name, PacketEvent.AttrKind.MAC, Long.parseLong(v.replace(":", ""), 16));
                } else if (IPV4.matcher(v).matches()) {
                    long a = 0;
                    for (String octet : v.split("\\.")) {
                        a = (a << 8) | Integer.parseInt(octet);
                    }
                    e.attr(name, PacketEvent.AttrKind.IPV4, a);
                } else {
                    e.attr(name, v);
                }
            } else {
                throw fail("attribute '" + name + "' must be an integer or a string, got " + shown(p));
            }
        }
    }

    /**
     * Parses an address literal without ever resolving a name: the text is checked to be a literal
     * of the family first (InetAddress.getByName would query DNS for anything else).
     */
    private byte[] address(String s, int family, String field) throws PkttraceException {
        boolean literal = family == PacketEvent.FAMILY_IPV4 ? s.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                : s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
        if (literal) {
            try {
                byte[] b = InetAddress.getByName(s).getAddress();
                if (family == PacketEvent.FAMILY_IPV4 && b.length == 4) {
                    return b;
                }
                if (family == PacketEvent.FAMILY_IPV6 && b.length == 16) {
                    return b;
                }
                if (family == PacketEvent.FAMILY_IPV6 && b.length == 4) {
                    // Java turns "::ffff:a.b.c.d" into IPv4; keep the IPv4-mapped IPv6 address.
                    byte[] m = new byte[16];
                    m[10] = (byte) 0xff;
                    m[11] = (byte) 0xff;
                    System.arraycopy(b, 0, m, 12, 4);
                    return m;
                }
            } catch (UnknownHostException ex) {
                // not a valid literal: reported below
            }
        }
        throw fail("field '" + field + "' is not an IPv" + family + " address: \"" + s + "\"");
    }
}
