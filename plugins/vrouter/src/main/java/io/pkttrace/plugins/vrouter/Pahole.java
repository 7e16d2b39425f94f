package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a program's DWARF into BTF with {@code pahole --btf_encode_detached} (Debian package
 * dwarves), written to a pipe: no temporary file. pkttrace reads BTF, not DWARF: pahole is the
 * well-kept tool that already converts the one into the other (the kernel's own build uses it).
 */
final class Pahole {
    private static final long MAX_BYTES = 256L << 20;
    private static final long TIMEOUT_S = 120;

    private Pahole() {
    }

    /** The BTF pahole encodes from {@code file}'s DWARF; {@code what} names the file in messages. */
    static ByteBuffer btfOf(Path file, String what) throws ConfigException {
        Process p;
        try {
            // The path is an argument, never a shell word; pahole's error output is kept for the message.
            p = new ProcessBuilder(List.of("pahole", "--btf_encode_detached=/dev/stdout", file.toString()))
                    .redirectError(ProcessBuilder.Redirect.PIPE).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new ConfigException("reading the debug information of " + what + " needs pahole, which is not installed",
                    "install it (apt-get install dwarves), or give --btf FILE made elsewhere with "
                            + "pahole --btf_encode_detached=FILE " + file.getFileName());
        }
        // Drained on its own thread: a pahole writing much to stderr must not block on a full pipe.
        java.util.concurrent.CompletableFuture<String> errText = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (InputStream e = p.getErrorStream()) {
                String text = new String(e.readNBytes(4096), StandardCharsets.UTF_8);
                e.transferTo(java.io.OutputStream.nullOutputStream());
                return text.strip();
            } catch (IOException ex) {
                return "";
            }
        });
        try {
            byte[] out = readBounded(p.getInputStream());
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ConfigException("pahole did not finish reading " + what + " in " + TIMEOUT_S + " s",
                        "give --btf FILE made with pahole --btf_encode_detached=FILE");
            }
            String err = errText.get(10, TimeUnit.SECONDS);
            if (p.exitValue() != 0 || out.length == 0) {
                String said = err.isEmpty() ? "exit status " + p.exitValue() : err.lines().reduce((a, b) -> b).orElse(err);
                throw new ConfigException("pahole could not read the debug information of " + what + " (" + said + ")",
                        "check that it has DWARF (readelf -S shows .debug_info), or give --btf FILE");
            }
            return ByteBuffer.wrap(out);
        } catch (IOException e) {
            throw new ConfigException("cannot run pahole on " + what + " (" + e.getMessage() + ")", null);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ConfigException("cannot run pahole on " + what + " (" + e + ")", null);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while pahole read " + what, null);
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException, ConfigException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_BYTES) {
                throw new ConfigException("pahole produced more than 256 MiB of BTF", "give --btf FILE");
            }
        }
        return out.toByteArray();
    }
}
