package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SymbolFileTest {
    @TempDir
    Path tmp;

    private static SymbolFile parse(String text) throws ConfigException {
        return SymbolFile.parse(Path.of("f"), text.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).userLine();
    }

    @Test
    void pktTracersFormatWithCommentsBlankLinesGlobsAndArgOverrides() throws Exception {
        SymbolFile f = parse("vr_fabric_input\n# a comment\n\n  eth_rx   \nvr_*_input # trailing comment\r\nvr_foo:arg=2\nnh_?\n"
                + "eth_rx\n[a-c]*_tx\n");
        assertEquals(List.of("vr_fabric_input", "eth_rx", "vr_*_input", "vr_foo", "nh_?", "[a-c]*_tx"),
                f.entries().stream().map(SymbolFile.Entry::pattern).toList(), "in order, duplicates once");
        assertEquals(2, f.entries().get(3).arg());
        assertNull(f.entries().get(0).arg());
        assertEquals(5, f.entries().get(2).line());
        assertTrue(f.entries().get(2).isGlob());
        assertTrue(f.entries().get(2).regex().matcher("vr_fabric_input").matches());
        assertFalse(f.entries().get(2).regex().matcher("vr_fabric_input.isra.0").matches(), "globs match source names, not clones");
        assertTrue(f.entries().get(4).regex().matcher("nh_x").matches());
        assertTrue(f.entries().get(5).regex().matcher("agent_tx").matches());
        assertFalse(f.entries().get(5).regex().matcher("eth_tx").matches());
        assertEquals("vr_foo.isra.0", parse("vr_foo.isra.0:arg=1").entries().get(0).pattern(), "a clone may be named");
    }

    @Test
    void everyMistakeIsOneLineNamingTheLine() {
        assertTrue(error("# only comments\n\n").contains("names no function"));
        assertTrue(error("eth_rx\nvr_foo:arg=9\n").contains("line 2: arg=9 is not an argument index"));
        assertTrue(error("vr_foo:arg=x").contains("arg=x is not an argument index"));
        assertTrue(error("vr_foo:arg=-1").contains("arg=-1 is not an argument index"));
        assertTrue(error("vr_foo:args=1").contains("unknown option 'args=1'"));
        assertTrue(error("vr_foo bar").contains("'vr_foo bar' is not a function name"));
        assertTrue(error("9lives").contains("is not a function name"));
        assertTrue(error("vr_*:arg=1").contains("arg= applies to one function, not to the pattern 'vr_*'"));
        for (String e : List.of(error("vr_foo:arg=9"), error("x y"))) {
            assertFalse(e.contains("\n"), "one line: " + e);
        }
    }

    @Test
    void refusesWhatIsNotAListOfNames() throws Exception {
        assertTrue(assertThrows(ConfigException.class, () -> SymbolFile.parse(Path.of("g"), new byte[] {'a', 0, 'b'}))
                .userLine().contains("is not text (it contains NUL bytes)"));
        assertTrue(assertThrows(ConfigException.class, () -> SymbolFile.parse(Path.of("g"), new byte[] {(byte) 0xff, (byte) 0xfe, 3}))
                .userLine().contains("is not text (binary data)"));
        String missing = assertThrows(ConfigException.class, () -> SymbolFile.read(tmp.resolve("nope"), "-f")).userLine();
        assertTrue(missing.contains("does not exist") && missing.contains("give -f"), missing);
        assertTrue(assertThrows(ConfigException.class, () -> SymbolFile.read(tmp, "-f")).userLine().contains("is a directory"));
        Path empty = Files.createFile(tmp.resolve("empty"));
        assertTrue(assertThrows(ConfigException.class, () -> SymbolFile.read(empty, "-f")).userLine().contains("names no function"));
        Path big = tmp.resolve("big");
        Files.write(big, new byte[(int) SymbolFile.MAX_BYTES + 1]);
        assertTrue(assertThrows(ConfigException.class, () -> SymbolFile.read(big, "-f")).userLine().contains("larger than 1 MiB"));
        assertTrue(assertThrows(ConfigException.class, () -> SymbolFile.read(Path.of("/dev/zero"), "-f")).userLine()
                .contains("is not a regular file"), "a device would never end");
    }

    @Test
    void closestNamesForTypos() {
        List<String> names = List.of("vr_fabric_input", "vr_virtual_input", "vr_arp_input", "nh_output", "vr_fabric_input.isra.0");
        assertEquals("vr_fabric_input", NameSuggestions.closest("vr_fabrik_input", names, 3).get(0));
        assertFalse(NameSuggestions.closest("vr_fabrik_input", names, 3).contains("vr_fabric_input.isra.0"));
        assertEquals(List.of(), NameSuggestions.closest("completely_different", names, 3));
        assertEquals(List.of("nh_output"), NameSuggestions.closest("nh_outptu", names, 3));
    }
}
