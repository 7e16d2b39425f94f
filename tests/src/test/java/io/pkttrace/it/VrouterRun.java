package io.pkttrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code bin/pkttrace} from the distribution while the real vrouter datapath (vrdp_driver)
 * processes its scenarios: pkttrace is started, waited for until it traces, the driver is run to
 * completion (verbose: it prints every transmitted frame), then pkttrace is stopped with SIGTERM.
 *
 * @param exit   pkttrace's exit status
 * @param out    what pkttrace printed on standard output
 * @param err    what it printed on standard error
 * @param driver what the driver printed (scenario blocks with the transmitted frames)
 */
record VrouterRun(int exit, String out, String err, String driver) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs pkttrace with {@code args}, then the driver with {@code driverArgs}. */
    static VrouterRun of(Path driver, List<String> driverArgs, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("pt-vr-out", ".txt");
        Path err = Files.createTempFile("pt-vr-err", ".txt");
        try {
            Process p = new ProcessBuilder(Cli.command(List.of(), args)).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.readString(err).contains("pkttrace: tracing") && p.isAlive()) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("pkttrace did not start tracing in 60 s: " + Files.readString(err));
                    }
                    Thread.sleep(50);
                }
                String driverOut = "";
                if (p.isAlive()) {
                    List<String> argv = new ArrayList<>();
                    argv.add(driver.toString());
                    argv.addAll(driverArgs);
                    Process d = new ProcessBuilder(argv).redirectErrorStream(true).start();
                    driverOut = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (!d.waitFor(60, TimeUnit.SECONDS) || d.exitValue() != 0) {
                        d.destroyForcibly();
                        throw new AssertionError("vrdp_driver failed: " + driverOut);
                    }
                    Thread.sleep(300); // the consumer drains about every millisecond; leave it a moment
                    p.destroy(); // SIGTERM: pkttrace detaches, drains and reports
                }
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    throw new AssertionError("pkttrace did not stop within 60 s of SIGTERM");
                }
                return new VrouterRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8), driverOut);
            } finally {
                p.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The events of a json-sink run, in order. */
    List<JsonNode> events() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : out().split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err + "--- driver\n" + driver;
    }
}
