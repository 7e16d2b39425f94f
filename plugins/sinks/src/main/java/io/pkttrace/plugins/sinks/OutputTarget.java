package io.pkttrace.plugins.sinks;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.PkttraceException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a file-capable sink writes: standard output ({@code -}, the default) or a file. The path is
 * checked when the sink is configured (reading only, as factories must), and the file is created or
 * truncated when the sink starts.
 */
public final class OutputTarget {
    /** The {@code output} option of a file-capable sink; each sink adds it to its own option set. */
    public static final Option<String> OPTION = Option.text("output", "FILE", "-",
            "file to write (created or truncated), or - for standard output");

    private final String component;
    private final Path path;

    private OutputTarget(String component, Path path) {
        this.component = component;
        this.path = path;
    }

    /** Standard output. */
    public static OutputTarget stdout(String component) {
        return new OutputTarget(component, null);
    }

    /**
     * @param value the user's {@code output=} value; null or {@code -} means standard output
     * @throws ConfigException when the value names a directory or a file in a missing directory
     */
    public static OutputTarget parse(String component, String value) throws ConfigException {
        if (value == null || value.equals("-")) {
            return stdout(component);
        }
        Path p;
        try {
            p = Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(component + ": invalid output path '" + value + "'", e.getReason());
        }
        if (Files.isDirectory(p)) {
            throw new ConfigException(component + ": output '" + value + "' is a directory", "give a file name");
        }
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ConfigException(component + ": output directory " + parent + " does not exist", "create it first");
        }
        return new OutputTarget(component, p);
    }

    /** True for standard output. */
    public boolean isStdout() {
        return path == null;
    }

    /** The file, or null for standard output. */
    public Path path() {
        return path;
    }

    /** "standard output" or the file name, for messages. */
    public String describe() {
        return path == null ? "standard output" : path.toString();
    }

    /**
     * Opens the target. Closing the stream of standard output only flushes it: other sinks (console)
     * may still write there.
     */
    public OutputStream open() throws PkttraceException {
        if (path == null) {
            return new NonClosingStdout();
        }
        try {
            return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException | SecurityException e) {
            throw new PkttraceException(component + ": cannot write " + path + " (" + reason(e) + ")",
                    "check the path and its permissions");
        }
    }

    /**
     * The exception a sink throws from {@code accept}/{@code flush} when writing failed. It is
     * unchecked (the Sink methods cannot throw checked ones) but carries a {@link PkttraceException},
     * which the CLI finds in the cause chain and prints as one line.
     */
    public RuntimeException writeFailed(IOException e) {
        PkttraceException pe = new PkttraceException(component + ": writing to " + describe() + " failed (" + reason(e) + ")",
                null, e);
        return new IllegalStateException(pe.getMessage(), pe);
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** File descriptor 1 without the byte-at-a-time writes of FilterOutputStream, never closed. */
    private static final class NonClosingStdout extends OutputStream {
        private final FileOutputStream out = new FileOutputStream(FileDescriptor.out);

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
