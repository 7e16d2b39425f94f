package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tcpdump on one interface of a namespace, in one direction: the reference that pkttrace's rows are
 * compared with, interface by interface. Its echo lines are read back as the rows pkttrace would print.
 */
final class Tcpdump implements AutoCloseable {
    private static final Pattern ECHO = Pattern.compile(
            "^\\S+ IP6? (\\S+) > (\\S+): ICMP6?,? echo (request|reply), id \\d+, seq \\d+.*$");

    private final String netns;
    private final String ifname;
    private final boolean in;
    private final Process process;
    private final Path out;
    private final Path err;

    /** Starts capturing ICMP and ICMPv6 on {@code ifname} in {@code netns}, received ({@code in}) or sent. */
    Tcpdump(String netns, String ifname, boolean in) throws IOException {
        this.netns = netns;
        this.ifname = ifname;
        this.in = in;
        out = Files.createTempFile("pkttrace-tcpdump", ".out");
        err = Files.createTempFile("pkttrace-tcpdump", ".err");
        try {
            process = new ProcessBuilder("ip", "netns", "exec", netns, "tcpdump", "-i", ifname, "-Q", in ? "in" : "out", "-nn", "-l",
                    "icmp or icmp6").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot run tcpdump (scripts/setup.sh installs it): " + e.getMessage(), e);
        }
    }

    /** Captures both directions of every interface given as "netns/ifname", all listening when this returns. */
    static List<Tcpdump> onEvery(List<String> interfaces) throws Exception {
        List<Tcpdump> all = new ArrayList<>();
        for (String i : interfaces) {
            String[] p = i.split("/", 2);
            all.add(new Tcpdump(p[0], p[1], true));
            all.add(new Tcpdump(p[0], p[1], false));
        }
        for (Tcpdump t : all) {
            t.awaitListening();
        }
        return all;
    }

    /**
     * Stops every capture once they printed {@code expected} echo rows together (or after 30 s: then the
     * comparison shows what is missing) and returns their rows, sorted. tcpdump prints a packet when it
     * is scheduled, later on a loaded machine, and one it had not printed when stopped is lost.
     */
    static List<TraceRow> rows(List<Tcpdump> all, int expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            int printed = 0;
            for (Tcpdump t : all) {
                printed += t.parse().size();
            }
            if (printed >= expected) {
                break;
            }
            Thread.sleep(20);
        }
        List<TraceRow> rows = new ArrayList<>();
        for (Tcpdump t : all) {
            rows.addAll(t.stop());
        }
        rows.sort(java.util.Comparator.comparing(TraceRow::toString));
        return rows;
    }

    void awaitListening() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(err).contains("listening on")) {
            if (!process.isAlive()) {
                fail("tcpdump on " + netns + "/" + ifname + " ended: " + Files.readString(err));
            }
            assertTrue(System.nanoTime() < end, "tcpdump did not start: " + Files.readString(err));
            Thread.sleep(20);
        }
    }

    /** Stops the capture and returns the echo requests and replies it saw as pkttrace rows. */
    List<TraceRow> stop() throws Exception {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        return parse();
    }

    /** The echo rows printed so far. */
    private List<TraceRow> parse() throws IOException {
        List<TraceRow> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            Matcher m = ECHO.matcher(line);
            if (m.matches()) {
                rows.add(new TraceRow(netns, ifname, in ? "rx" : "tx", m.group(3), m.group(1) + " -> " + m.group(2)));
            }
        }
        return rows;
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
    }
}
