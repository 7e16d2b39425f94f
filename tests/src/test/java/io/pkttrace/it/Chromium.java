package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless {@code chromium} (installed by scripts/setup.sh), run as the brief prescribes: no
 * sandbox (root), no network features, a fresh profile per run. Missing, it skips the test, or fails
 * it with {@code CI=true}.
 */
final class Chromium {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CHECK_SCRIPT = "/html-dom-check.js";
    private static final String PAGE_CSP = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>";

    private Chromium() {
    }

    static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "chromium");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String missing = "chromium is not installed (scripts/setup.sh installs it: apt-get install -y chromium)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(missing + " and CI=true");
        }
        Assumptions.assumeTrue(false, "skipped: " + missing);
        return null;
    }

    /** The DOM after loading {@code page}, serialized (--dump-dom). */
    static String dumpDom(Path page) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", page.toUri().toString()));
    }

    /** A PNG of the page at the given window size. */
    static void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(List.of("--hide-scrollbars", "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                page.toUri().toString()));
        assertTrue(Files.size(png) > 1000, "chromium wrote a screenshot: " + png);
    }

    /**
     * Renders a copy of {@code page} with html-dom-check.js appended and returns what that script
     * read from the laid-out DOM (lanes, stations, packets, hops, label boxes and overlaps). The copy's
     * policy allows only that inline script; the page itself runs none.
     */
    static JsonNode inspect(Path page, Path workDir) throws IOException, InterruptedException {
        String html = Files.readString(page, StandardCharsets.UTF_8);
        assertTrue(html.contains(PAGE_CSP), "the page forbids scripts and network access");
        String script;
        try (InputStream in = Chromium.class.getResourceAsStream(CHECK_SCRIPT)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String probe = html.replace(PAGE_CSP, PAGE_CSP.replace("'unsafe-inline'\"", "'unsafe-inline'; script-src 'unsafe-inline'\""))
                .replace("</body>", "<script>\n" + script + "\n</script>\n</body>");
        Path copy = Files.createTempFile(workDir, "inspect", ".html");
        Files.writeString(copy, probe, StandardCharsets.UTF_8);
        String dom = dumpDom(copy);
        int start = dom.lastIndexOf("<pre id=\"dom-check\">");
        int end = dom.indexOf("</pre>", start);
        assertTrue(start >= 0 && end > start, "the check script ran: " + dom.substring(0, Math.min(dom.length(), 2000)));
        String json = dom.substring(start + "<pre id=\"dom-check\">".length(), end)
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        return MAPPER.readTree(json);
    }

    private static String run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("pkttrace-chromium");
        Path out = Files.createTempFile("chromium-out", ".txt");
        Path err = Files.createTempFile("chromium-err", ".txt");
        try {
            List<String> argv = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile));
            argv.addAll(args);
            Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("chromium did not finish in 90 s: " + Files.readString(err));
            }
            assertTrue(p.exitValue() == 0, "chromium exited " + p.exitValue() + ": " + Files.readString(err));
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
