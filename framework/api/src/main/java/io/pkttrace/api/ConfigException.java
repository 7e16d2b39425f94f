package io.pkttrace.api;

/** Invalid configuration, detected before anything touches the kernel. */
public class ConfigException extends PkttraceException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message, String hint) {
        super(message, hint);
    }
}
