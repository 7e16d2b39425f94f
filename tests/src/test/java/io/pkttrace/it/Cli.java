package io.pkttrace.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs bin/pkttrace of the unpacked distribution as a user would. */
final class Cli {
    /** What a finished run printed and returned. */
    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.strip().isEmpty() ? List.of() : err.strip().lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Path home() {
        Path p = Path.of(System.getProperty("pkttrace.dist", "../distribution/target/pkttrace")).toAbsolutePath().normalize();
        if (!Files.isExecutable(p.resolve("bin/pkttrace"))) {
            throw new IllegalStateException("no distribution at " + p + ": run mvn package first");
        }
        return p;
    }

    static List<String> command(List<String> prefix, String... args) {
        return command(home(), prefix, args);
    }

    /** bin/pkttrace of the distribution at {@code home} (e.g. a copy with more plugins). */
    static List<String> command(Path home, List<String> prefix, String... args) {
        List<String> argv = new ArrayList<>(prefix);
        argv.add(home.resolve("bin/pkttrace").toString());
        argv.addAll(List.of(args));
        return argv;
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(List.of(), Map.of(), 60, args);
    }

    static Result run(List<String> prefix, Map<String, String> env, int timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        return run(home(), prefix, env, timeoutSeconds, args);
    }

    static Result run(Path home, List<String> prefix, Map<String, String> env, int timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("pkttrace-out", ".txt");
        Path err = Files.createTempFile("pkttrace-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command(home, prefix, args))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("pkttrace " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private Cli() {
    }
}
