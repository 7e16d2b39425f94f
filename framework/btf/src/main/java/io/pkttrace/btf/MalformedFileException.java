package io.pkttrace.btf;

import java.io.IOException;

/** A file is not what it claims to be (bad magic, truncated, an offset outside the file). */
public final class MalformedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedFileException(String message) {
        super(message);
    }
}
