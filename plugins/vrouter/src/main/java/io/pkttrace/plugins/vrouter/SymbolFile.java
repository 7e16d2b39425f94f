package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * pkt_tracer's symbol file ({@code -f FILE}): one function name per line, plus {@code #} comments,
 * blank lines, globs ({@code vr_*_input}, {@code nh_?}, {@code [a-c]*}) and a per-line override of
 * the argument that holds the packet ({@code vr_foo:arg=2}). Every mistake is one line naming the
 * file, the line and what to write instead.
 *
 * @param path    the file, for messages
 * @param entries the names and patterns in file order, without duplicates
 */
public record SymbolFile(Path path, List<Entry> entries) {
    /** Beyond this the file is not a list of function names. */
    static final long MAX_BYTES = 1 << 20;
    /** Arguments passed in registers on x86-64 and arm64: what uprobes and kprobes can read. */
    static final int MAX_ARG = 5;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$]*");
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9_.$*?\\[\\]\\-]+");
    private static final String SYNTAX = "write one function name per line (globs * ? [..] allowed, "
            + "optionally name:arg=N; # starts a comment)";

    /**
     * One line's request.
     *
     * @param line    1-based line number
     * @param pattern a function name, or a glob when {@link #isGlob()}
     * @param arg     the packet argument's index given with {@code :arg=N}, or null to derive it
     */
    public record Entry(int line, String pattern, Integer arg) {
        public boolean isGlob() {
            return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
        }

        /** The glob as a regular expression over whole names. */
        public Pattern regex() {
            StringBuilder re = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                switch (c) {
                    case '*' -> re.append("[^.]*"); // a glob matches source names, not compiler clones' suffixes
                    case '?' -> re.append("[^.]");
                    case '[', ']', '-' -> re.append(c);
                    default -> re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(re.toString());
        }
    }

    /** Reads and checks the file; {@code option} names it in messages (e.g. {@code -f}). */
    public static SymbolFile read(Path path, String option) throws ConfigException {
        String where = "symbol file " + path;
        if (!Files.exists(path)) {
            throw new ConfigException(where + " does not exist", "give " + option + " the file that lists the functions to trace");
        }
        if (Files.isDirectory(path)) {
            throw new ConfigException(where + " is a directory", "give " + option + " a file: " + SYNTAX);
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path)) {
            throw new ConfigException(where + " is not a regular file", "give " + option + " a text file: " + SYNTAX);
        }
        byte[] bytes;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new ConfigException(where + " is larger than 1 MiB: not a list of function names", SYNTAX);
            }
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + where + " (" + e.getMessage() + ")", null);
        }
        return parse(path, bytes);
    }

    static SymbolFile parse(Path path, byte[] bytes) throws ConfigException {
        String where = "symbol file " + path;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(where + " is not text (binary data)", SYNTAX);
        }
        if (text.indexOf('\0') >= 0) {
            throw new ConfigException(where + " is not text (it contains NUL bytes)", SYNTAX);
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            Entry e = entry(where + " line " + (i + 1), i + 1, line);
            if (seen.add(e.pattern())) {
                entries.add(e);
            }
        }
        if (entries.isEmpty()) {
            throw new ConfigException(where + " names no function", SYNTAX);
        }
        return new SymbolFile(path, List.copyOf(entries));
    }

    private static Entry entry(String where, int lineNo, String line) throws ConfigException {
        String name = line;
        Integer arg = null;
        int colon = line.indexOf(':');
        if (colon >= 0) {
            name = line.substring(0, colon).strip();
            String option = line.substring(colon + 1).strip();
            if (!option.startsWith("arg=")) {
                throw new ConfigException(where + ": unknown option '" + shown(option) + "' after '" + shown(name) + ":'",
                        "the only option is arg=N, the index (0-" + MAX_ARG + ") of the argument that holds the packet");
            }
            String value = option.substring(4).strip();
            try {
                arg = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                arg = -1;
            }
            if (arg < 0 || arg > MAX_ARG || !value.matches("\\d+")) {
                throw new ConfigException(where + ": arg=" + shown(value) + " is not an argument index",
                        "give arg=0 to arg=" + MAX_ARG + " (the packet's position among the arguments, from 0)");
            }
        }
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(where + ": '" + shown(line) + "' is not a function name", SYNTAX);
        }
        boolean glob = name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
        if (glob ? !GLOB.matcher(name).matches() : !NAME.matcher(name).matches()) {
            throw new ConfigException(where + ": '" + shown(name) + "' is not a function name", SYNTAX);
        }
        if (glob && arg != null) {
            throw new ConfigException(where + ": arg= applies to one function, not to the pattern '" + name + "'",
                    "list the functions that need arg= by name");
        }
        return new Entry(lineNo, name, arg);
    }

    /** A bounded, printable rendering of user text for messages. */
    static String shown(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 60; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 60 ? sb + "..." : sb.toString();
    }
}
