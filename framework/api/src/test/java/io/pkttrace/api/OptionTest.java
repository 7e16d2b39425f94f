package io.pkttrace.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One declaration per option drives validation, the messages, defaults, aliases, help text and short forms. */
class OptionTest {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Long> TOP = OPTIONS.add(Option.number("top", 1, 1000, 10L, "how many to print"));
    static final Option<Boolean> QUIET = OPTIONS.add(Option.flag("quiet", false, "print nothing"));
    static final Option<List<String>> HOOKS = OPTIONS.add(Option.choices("hooks", "hook", List.of("tx", "rx", "drop"),
            List.of("tx", "rx"), "hooks to attach"));
    static final Option<String> OUTPUT = OPTIONS.add(Option.text("output", "FILE", "-", "file to write")
            .shortForm(ShortForm.value("--output", "FILE", "same as output=FILE")));
    static final Option<List<Integer>> PORTS = OPTIONS.add(Option.list("port", "N", (where, text) -> {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": '" + text + "' is not a port", null);
        }
    }, "80", "ports").alias("ports"));
    static final Option<Long> PID = OPTIONS.add(Option.number("pid", 1, 99999, null, "process").required("1234"));

    private static Options given(String... items) throws ConfigException {
        return Options.parse("probe demo", List.of(items));
    }

    private static String error(String... items) {
        return assertThrows(ConfigException.class, () -> OPTIONS.check(given(items))).userLine();
    }

    @Test
    void defaultsWhenNotGivenAndValuesWhenGiven() throws Exception {
        Options o = given("pid=7");
        assertEquals(10L, o.get(TOP));
        assertEquals(false, o.get(QUIET));
        assertEquals(List.of("tx", "rx"), o.get(HOOKS));
        assertEquals("-", o.get(OUTPUT));
        assertEquals(List.of(), o.get(PORTS));
        Options p = given("pid=7", "top=3", "quiet", "hooks=drop,TX", "hooks=rx", "port=1,2", "ports=3");
        assertEquals(3L, p.get(TOP));
        assertEquals(true, p.get(QUIET), "a key without a value is true");
        assertEquals(List.of("drop", "tx", "rx"), p.get(HOOKS), "repeated and comma-separated names add up, once each");
        assertEquals(List.of(1, 2, 3), p.get(PORTS), "an alias counts as the key");
    }

    @Test
    void everyCheckComesFromTheDeclaration() {
        assertEquals("probe demo: unknown option 'colour': valid options: top, quiet, hooks, output, port, ports, pid",
                error("pid=1", "colour=red"));
        assertEquals("probe demo: option 'top' is out of range: 0: give a whole number between 1 and 1000", error("pid=1", "top=0"));
        assertEquals("probe demo: option 'top' is not a number: 'x': give a whole number between 1 and 1000", error("pid=1", "top=x"));
        assertEquals("probe demo: option 'quiet' is not a boolean: 'maybe': use true or false", error("pid=1", "quiet=maybe"));
        assertEquals("probe demo: unknown hook 'up': valid hooks: tx, rx, drop", error("pid=1", "hooks=tx,up"));
        assertEquals("probe demo: option 'output' given more than once: give it once", error("pid=1", "output=a", "output=b"));
        assertEquals("probe demo: option 'output' is empty: give it a value", error("pid=1", "output="));
        assertEquals("probe demo: ports has an empty value: give it a value, e.g. ports=80", error("pid=1", "ports=1,"));
        assertEquals("probe demo: ports: 'x' is not a port", error("pid=1", "ports=x"));
        assertEquals("probe demo: option 'pid' is required: e.g. --probe demo:pid=1234", error("top=2"));
    }

    @Test
    void aKeyWithoutAValueIsAFlagElseItSaysWhatIsMissing() throws Exception {
        assertEquals(true, given("pid=7", "quiet").get(QUIET));
        assertEquals("probe demo: option 'hooks' needs a value: write hooks=tx,rx,drop", error("pid=1", "hooks"));
        assertEquals("probe demo: option 'output' needs a value: write output=FILE", error("pid=1", "output"));
        assertEquals("probe demo: option 'top' needs a value: write top=N", error("pid=1", "top"));
        assertEquals("probe demo: option 'ports' needs a value: write ports=N", error("pid=1", "ports"), "the alias as written");
        assertEquals("probe demo: option 'pid' needs a value: write pid=N", error("pid"));
        // Written with '=true' it is a value like any other, judged by the option.
        assertEquals("probe demo: unknown hook 'true': valid hooks: tx, rx, drop", error("pid=1", "hooks=true"));
        // A value set later (a short form) replaces the bare key.
        assertEquals(List.of("rx"), given("pid=1", "hooks").withAll("hooks", List.of("rx")).get(HOOKS));
    }

    @Test
    void aUserLineIsOneLineWhateverTheUserTyped() {
        ConfigException e = new ConfigException("network namespace 'a\nb\tc\u001b[31m\u202e' does not exist", "list\r them");
        assertEquals("network namespace 'a\\nb\\tc\\u001b[31m\\u202e' does not exist: list\\u000d them", e.userLine());
        assertEquals("plain ünïcode", PkttraceException.oneLine("plain ünïcode"));
    }

    @Test
    void getChecksEveryKeyEvenWhenTheFactoryReadsOnlyOne() {
        ConfigException e = assertThrows(ConfigException.class, () -> given("pid=1", "mode=x").get(TOP));
        assertTrue(e.userLine().startsWith("probe demo: unknown option 'mode'"), e.userLine());
    }

    @Test
    void helpTextComesFromTheDeclaration() {
        assertEquals("how many to print: 1 to 1000 (default 10)", TOP.describe());
        assertEquals("print nothing (default false)", QUIET.describe());
        assertEquals("hooks to attach: comma-separated subset of tx, rx, drop (default tx,rx)", HOOKS.describe());
        assertEquals("ports (alias ports)", PORTS.describe());
        assertEquals("process: 1 to 99999 (required)", PID.describe());
        assertEquals(List.of("top", "quiet", "hooks", "output", "port", "ports", "pid"), OPTIONS.keys());
        assertEquals("--output", OUTPUT.shortForms().get(0).name());
        assertEquals(ShortForm.Kind.VALUE, OUTPUT.shortForms().get(0).kind());
    }

    @Test
    void aKeyIsDeclaredOnceAndAnOptionBelongsToOneSet() {
        OptionSet s = new OptionSet();
        s.add(Option.flag("a", false, "x"));
        assertThrows(IllegalArgumentException.class, () -> s.add(Option.flag("b", false, "y").alias("a")));
        assertThrows(IllegalStateException.class, () -> new OptionSet().add(TOP));
        assertThrows(IllegalStateException.class, () -> OptionSet.NONE.add(Option.flag("c", false, "z")));
        assertThrows(IllegalArgumentException.class, () -> s.shortForm(ShortForm.value("--a", "X", "no")));
        assertThrows(IllegalArgumentException.class, () -> Option.flag("a=b", false, "bad key"));
    }

    @Test
    void noOptionsAtAll() throws Exception {
        assertEquals("probe demo: unknown option 'x': it takes no options",
                assertThrows(ConfigException.class, () -> OptionSet.NONE.check(given("x=1"))).userLine());
        OptionSet.NONE.check(given());
    }

    @Test
    void aNumberWithoutDefaultIsNullWhenAbsent() throws Exception {
        OptionSet s = new OptionSet();
        Option<Long> n = s.add(Option.number("n", Long.MIN_VALUE, Long.MAX_VALUE, null, "any"));
        assertNull(Options.empty("sink x").get(n));
        assertEquals(-5L, Options.parse("sink x", List.of("n=-5")).get(n));
        assertEquals("any: a whole number", n.describe());
    }
}
