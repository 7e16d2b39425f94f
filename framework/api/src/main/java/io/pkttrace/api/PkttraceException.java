package io.pkttrace.api;

/**
 * An error the user can act on: the message says what is wrong and the hint what to do. The CLI
 * prints it as one line and exits non-zero, without a stack trace.
 */
public class PkttraceException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String hint;

    /** @param message what is wrong; @param hint what to do about it (may be null) */
    public PkttraceException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public PkttraceException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** What the user should do about it, or null. */
    public String hint() {
        return hint;
    }

    /** The one line shown to the user: control characters in it (a name with a newline) are escaped. */
    public String userLine() {
        return oneLine(hint == null || hint.isEmpty() ? getMessage() : getMessage() + ": " + hint);
    }

    /**
     * {@code text} as one printable line: line breaks, other control characters and invisible format
     * characters (such as a right-to-left override) are written as escapes, so a message quoting what
     * a user typed stays one line and shows what is really there.
     */
    public static String oneLine(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
