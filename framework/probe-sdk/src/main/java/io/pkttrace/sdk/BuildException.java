package io.pkttrace.sdk;

/** A probe build step failed; the message says what and what to do. */
public final class BuildException extends Exception {
    private static final long serialVersionUID = 1L;

    public BuildException(String message) {
        super(message);
    }
}
