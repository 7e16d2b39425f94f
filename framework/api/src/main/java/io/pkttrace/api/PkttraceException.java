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

    /** The one line shown to the user. */
    public String userLine() {
        return hint == null || hint.isEmpty() ? getMessage() : getMessage() + ": " + hint;
    }
}
