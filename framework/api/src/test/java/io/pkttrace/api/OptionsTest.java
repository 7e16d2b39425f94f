package io.pkttrace.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsTest {
    @Test
    void repeatedKeysKeepEveryValue() throws Exception {
        Options o = Options.parse("sink x", List.of("a=1", "a=2", "flag", "b="));
        assertEquals(List.of("1", "2"), o.all("a"));
        assertTrue(o.flag("flag", false));
        assertEquals(Set.of("a", "flag", "b"), o.keys());
    }

    @Test
    void typedAccessorsValidate() throws Exception {
        Options o = Options.parse("probe p", List.of("n=70000", "s=", "b=maybe", "d=d1", "d=d2"));
        ConfigException e = assertThrows(ConfigException.class, () -> o.number("n", 0, 0, 65535));
        assertEquals("probe p: option 'n' is out of range: 70000: give a whole number between 0 and 65535", e.userLine());
        assertThrows(ConfigException.class, () -> o.string("s", null));
        assertThrows(ConfigException.class, () -> o.flag("b", false));
        assertThrows(ConfigException.class, () -> o.string("d", null));
        assertEquals(5, o.number("missing", 5, 0, 10));
        assertFalse(o.flag("missing", false));
    }

    @Test
    void unknownKeysAreListed() throws Exception {
        Options o = Options.parse("sink console", List.of("colour=red"));
        ConfigException e = assertThrows(ConfigException.class, () -> o.requireOnly(Set.of("timestamps", "out")));
        assertEquals("sink console: unknown option 'colour': valid options: out, timestamps", e.userLine());
    }

    @Test
    void emptyKeyIsRejected() {
        assertThrows(ConfigException.class, () -> Options.parse("x", List.of("=v")));
    }
}
