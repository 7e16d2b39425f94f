package io.pkttrace.plugins.sinks.html;

/**
 * Escaping for text that comes from events. Interface, namespace and function names are chosen by
 * whoever controls the traced host, so they are attacker-influenced: the result of {@link #escape}
 * is safe both as element content and inside a double- or single-quoted attribute, and shows
 * invisible or reordering characters instead of letting them act.
 */
final class Html {
    private Html() {
    }

    /**
     * The text as it should be displayed: C0/C1 control characters, bidirectional marks, overrides and
     * isolates, and unpaired surrogates written as visible {@code \\uXXXX}; null becomes "".
     */
    static String display(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean hide = c < 0x20 || (c >= 0x7f && c <= 0x9f) || isBidiControl(c) || (Character.isSurrogate(c) && !pair);
            if (hide && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (hide) {
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
            if (pair) {
                if (sb != null) {
                    sb.append(s.charAt(i + 1));
                }
                i++;
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** {@link #display} with {@code & < > " '} as character references: safe as content and attribute. */
    static String escape(String s) {
        String d = display(s);
        StringBuilder sb = null;
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (r != null && sb == null) {
                sb = new StringBuilder(d.length() + 16).append(d, 0, i);
            }
            if (r != null) {
                sb.append(r);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? d : sb.toString();
    }

    /**
     * {@link #display} shortened to at most {@code maxChars} characters, ending with "…" when
     * shortened (never between the halves of a surrogate pair).
     */
    static String fit(String s, int maxChars) {
        String d = display(s);
        if (d.codePointCount(0, d.length()) <= maxChars) {
            return d;
        }
        int keep = Math.max(0, maxChars - 1);
        return d.substring(0, d.offsetByCodePoints(0, keep)) + "…";
    }

    /** Displayed width in characters (code points), for layout. */
    static int width(String s) {
        String d = display(s);
        return d.codePointCount(0, d.length());
    }

    /** Marks and overrides that reorder displayed text (a name could masquerade as another). */
    private static boolean isBidiControl(char c) {
        return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
