package io.pkttrace.plugins.sinks.html;

import static io.pkttrace.plugins.sinks.TestEvents.at;
import static io.pkttrace.plugins.sinks.TestEvents.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.plugins.sinks.OutputTarget;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The html sink end to end in memory: the page is well-formed, escapes what events carry, and says what it left out. */
class HtmlSinkTest {
    @TempDir
    Path dir;

    static String render(List<PacketEvent> events, int maxPackets, RunStats stats) throws Exception {
        Path f = Files.createTempFile("html-sink-test", ".html");
        Files.delete(f); // the sink creates it
        HtmlSink s = new HtmlSink(new HtmlConfig(OutputTarget.parse("sink html", f.toString()), maxPackets, 64));
        s.start();
        for (PacketEvent e : events) {
            s.accept(e);
        }
        s.flush();
        s.finish(stats);
        s.close();
        try {
            return Files.readString(f);
        } finally {
            Files.delete(f);
        }
    }

    /** The page parsed as XML: the writer emits well-formed markup, so an injected element would show up as one. */
    static Document parse(String page) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
    }

    static NodeList select(Document d, String xpath) throws Exception {
        return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, d, XPathConstants.NODESET);
    }

    @Test
    void drawsLanesStationsPathsADropAndRepliesBesideRequests() throws Exception {
        String page = render(PageModelTest.threePings(), 200, new RunStats(26, 26, 0, 3, 0, 26));
        Document d = parse(page);
        assertEquals(List.of("client", "router", "server"), texts(d, "//*[local-name()='g'][@class='lane']/@data-name"));
        assertEquals(9, select(d, "//*[@class='station']").getLength());
        assertEquals(List.of("1", "2", "3", "4", "5"), texts(d, "//*[starts-with(@class,'packet ')]/@data-number"));
        assertEquals(List.of("packet request", "packet reply", "packet request", "packet request", "packet reply"),
                texts(d, "//*[starts-with(@class,'packet ')]/@class"));
        assertEquals(2, select(d, "//*[@class='pair']").getLength(), "a bracket joins each reply to the request above it");
        assertEquals(List.of("+14.2 µs", "+6.3 µs", "+21.4 µs"),
                texts(d, "//*[@id='p1']//*[starts-with(@class,'latency')]").stream().toList());
        assertEquals(List.of("NETFILTER_DROP"), texts(d, "//*[@id='p3']//*[@class='hop drop']/*[starts-with(@class,'note')]"));
        assertTrue(page.contains("4 hops in 41.9 µs"), page);
        assertTrue(page.contains("5 packets · 2 replies paired with a request · 1 dropped · 3 namespaces · 9 stations"), page);
        assertTrue(page.contains("21 events; kernel: 26 produced, 26 delivered, 0 lost, 3 filtered; 0 filtered in Java."), page);
        assertFalse(page.contains("id=\"cap\""), "no cap notice when everything is drawn");
    }

    @Test
    void selfContainedNoScriptNoNetwork() throws Exception {
        String page = render(PageModelTest.threePings(), 200, null);
        assertTrue(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>"));
        for (String forbidden : List.of("<script", "http:", "https:", "src=", "href=", "@import", "url(h", "@font-face")) {
            assertFalse(page.contains(forbidden), forbidden);
        }
        assertTrue(page.length() < 60_000, "a few packets make a small page: " + page.length());
    }

    @Test
    void attackerChosenNamesAreTextNeverMarkup() throws Exception {
        String ns = "<script>alert(1)</script>";
        String ifname = "\"><img src=x onerror=alert(2)>";
        String hook = "h'\u202eevil\u0000";
        List<PacketEvent> events = new ArrayList<>();
        events.add(echo(at(1_000, 0x1, 11, ns, ifname, hook), "198.18.1.2", "198.18.2.2", true, 1, 1).drop(3, "</text><script>x</script>"));
        events.add(echo(at(2_000, 0x2, 12, "a&b", "eth0", "tx"), "198.18.1.2", "198.18.2.2", true, 1, 2)
                .netfilter("<t>", "\"c\"", "'v'"));
        String page = render(events, 200, null);
        Document d = parse(page);
        assertEquals(0, select(d, "//*[local-name()='script' or local-name()='img']").getLength(), page);
        assertEquals(List.of(ns, "a&b"), texts(d, "//*[@class='lane']/@data-name"));
        assertEquals(ifname, texts(d, "//*[@class='station']/@data-ifname").get(0));
        assertEquals("h'\\u202eevil\\u0000", texts(d, "//*[@class='station']/@data-hook").get(0), "shown, not obeyed");
        assertTrue(texts(d, "//*[starts-with(@class,'lane-title')]").contains(ns));
        assertFalse(page.contains("\u202e") || page.contains("\u0000"));
        assertTrue(texts(d, "//*[starts-with(@class,'hop')]/*[local-name()='title']").get(1).contains("<t>.\"c\":'v'"));
        assertEquals(List.of("<t>.\"c\"", "'v'"), texts(d, "//*[starts-with(@class,'hop')]/*[starts-with(@class,'note')]").subList(1, 3));
    }

    @Test
    void theCapIsStatedOnThePage() throws Exception {
        List<PacketEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(echo(at(1_000_000L * i, 0x100 + i, 11, "a", "eth0", "tx"), "198.18.1.2", "198.18.2.2", true, 1, i));
        }
        String page = render(events, 3, null);
        Document d = parse(page);
        assertEquals(3, select(d, "//*[starts-with(@class,'packet ')]").getLength());
        assertEquals(List.of("Only 3 of 10 packets are drawn (max-packets=3): 7 more were counted, not drawn."
                + " Narrow the filter or raise max-packets."), texts(d, "//*[@id='cap']"));
        assertTrue(page.contains("10 packets (3 drawn)"), page);
    }

    @Test
    void anEmptyTraceSaysSo() throws Exception {
        String page = render(List.of(), 200, new RunStats(0, 0, 0, 0, 0, 0));
        assertTrue(parse(page).getElementsByTagName("p").getLength() > 0);
        assertTrue(page.contains("No packets were traced."), page);
    }

    @Test
    void lostEventsAreStated() throws Exception {
        String page = render(PageModelTest.threePings(), 200, new RunStats(30, 26, 4, 0, 0, 26));
        assertTrue(page.contains("4 events were lost in the kernel (ring buffer full)"), page);
    }

    @Test
    void writesTheFileAtFinishOnly() throws Exception {
        Path f = dir.resolve("page.html");
        HtmlSink s = new HtmlSink(new HtmlSinkFactory().configure(options(Map.of("output", f.toString()))));
        s.start();
        assertTrue(Files.exists(f), "created at start, so a bad output fails before tracing");
        PageModelTest.threePings().forEach(s::accept);
        s.flush();
        assertEquals(0, Files.size(f));
        s.finish(new RunStats(0, 26, 0, 0, 0, 26));
        s.close();
        parse(Files.readString(f));
        assertTrue(Files.readString(f).contains("id=\"p5\""));
    }

    static Options options(Map<String, String> m) {
        List<String> items = new ArrayList<>();
        m.forEach((k, v) -> items.add(k + "=" + v));
        try {
            return Options.parse("sink html", items);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private String refused(Map<String, String> m) {
        return assertThrows(ConfigException.class, () -> new HtmlSinkFactory().configure(options(m))).getMessage();
    }

    @Test
    void badOptionsAreOneClearLine() throws Exception {
        assertEquals("sink html: option 'output' is required", refused(Map.of()));
        assertEquals("sink html: output '" + dir + "' is a directory", refused(Map.of("output", dir.toString())));
        Path link = dir.resolve("link.html");
        Files.createSymbolicLink(link, dir.resolve("target.html"));
        assertEquals("sink html: output '" + link + "' is a symbolic link", refused(Map.of("output", link.toString())));
        assertEquals("sink html: output directory " + dir.resolve("nope") + " does not exist",
                refused(Map.of("output", dir.resolve("nope/x.html").toString())));
        assertEquals("sink html: option 'max-packets' is out of range: 0",
                refused(Map.of("output", dir.resolve("x.html").toString(), "max-packets", "0")));
        assertEquals("sink html: unknown option 'colour'", refused(Map.of("output", "-", "colour", "red")));
        assertTrue(new HtmlSinkFactory().configure(options(Map.of("output", "-"))).output().isStdout());
    }

    private static List<String> texts(Document d, String xpath) throws Exception {
        NodeList nodes = select(d, xpath);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }
}
