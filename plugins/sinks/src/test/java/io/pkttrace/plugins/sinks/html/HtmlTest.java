package io.pkttrace.plugins.sinks.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void markupCharactersBecomeCharacterReferences() {
        assertEquals("&lt;script&gt;alert(1)&lt;/script&gt;", Html.escape("<script>alert(1)</script>"));
        assertEquals("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", Html.escape("\"><img src=x onerror=alert(1)>"));
        assertEquals("a&#39; onmouseover=&#39;x", Html.escape("a' onmouseover='x"));
        assertEquals("&amp;lt;", Html.escape("&lt;"), "an entity in a name stays text");
    }

    @Test
    void plainTextIsReturnedAsIs() {
        String s = "eth0 veth-1.2_x µs →";
        assertSame(s, Html.escape(s));
        assertEquals("", Html.escape(null));
    }

    @Test
    void invisibleAndReorderingCharactersAreShownNotObeyed() {
        assertEquals("a\\u0000b\\u001bc\\u007f\\u0085", Html.display("a\0b\u001bc\u007f\u0085"));
        assertEquals("evil\\u202egnp.exe", Html.display("evil\u202egnp.exe"), "right-to-left override");
        assertEquals("x\\u2066y\\u200f", Html.display("x\u2066y\u200f"));
        assertEquals("\\ud800z\\udc00", Html.display("\ud800z\udc00"), "unpaired surrogates");
        assertEquals("ok \ud83d\ude00", Html.display("ok \ud83d\ude00"), "a valid pair stays");
        assertEquals("tab\\u0009&lt;", Html.escape("tab\t<"));
    }

    @Test
    void fitShortensByCodePointsWithAnEllipsis() {
        assertEquals("eth0", Html.fit("eth0", 4));
        assertEquals("vr_inet_fl…", Html.fit("vr_inet_flow_lookup", 11));
        assertEquals("\ud83d\ude00\ud83d\ude00…", Html.fit("\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00", 3));
        assertEquals("\\u001b…", Html.fit("\u001b[31mred", 7), "measured as displayed");
        assertEquals(6, Html.width("\u0007"));
    }
}
