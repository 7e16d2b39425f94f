package io.pkttrace.plugins.sinks;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.PkttraceException;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a file-capable sink writes: standard output ({@code -}, the default) or a file. The path is
 * checked when the sink is configured (reading only, as factories must), and the file is created or
 * truncated when the sink starts; {@link OutputFileCheck} says which files a root process may write.
 */
public final class OutputTarget {
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
     * @throws ConfigException when the value is not a file pkttrace may safely write (see {@link OutputFileCheck})
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
        OutputFileCheck.requireSafe(component, p);
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
        return OutputFileCheck.open(component, path);
    }

    /** {@link #open()} as a buffered UTF-8 writer, for text sinks. */
    public Writer openWriter() throws PkttraceException {
        return new BufferedWriter(new OutputStreamWriter(open(), StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * Closes a writer from {@link #openWriter()}, if any: a file is closed, standard output only
     * flushed. A failure is not reported again: the sink's own writes reported it, or nothing was left.
     */
    public static void closeQuietly(Writer w) {
        if (w == null) {
            return;
        }
        try {
            w.close();
        } catch (IOException ex) {
            // see above
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

    static String reason(Exception e) {
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
