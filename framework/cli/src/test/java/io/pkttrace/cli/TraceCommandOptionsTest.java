package io.pkttrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.TupleRules;
import io.pkttrace.core.engine.EngineSettings;
import io.pkttrace.core.engine.TraceSpec;
import io.pkttrace.plugins.fivetuple.FiveTupleFilterFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * pkt_tracer's -a anywhere on the line, the long filter options, and --output: short forms the fivetuple
 * filter and the json sink declare, offered by the real CLI because those plugins are on the class path.
 */
class TraceCommandOptionsTest {
    @TempDir
    Path noPlugins;

    private TraceCommand parse(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("--plugins", noPlugins.toString()));
        argv.addAll(List.of(args));
        String[] a = argv.toArray(new String[0]);
        PkttraceCommand root = new PkttraceCommand();
        CommandLine.ParseResult r = Main.commandLine(root, a).parseArgs(a);
        return (TraceCommand) r.subcommand().commandSpec().userObject();
    }

    private static TraceSpec spec(TraceCommand t) throws Exception {
        return t.spec(t.root.registry(), EngineSettings.defaults(), false);
    }

    /** The filter the -a items and long forms made. */
    private static TraceSpec.Component tupleFilter(TraceCommand t) throws Exception {
        List<TraceSpec.Component> filters = spec(t).filters();
        assertEquals(1, filters.size(), filters.toString());
        assertEquals("fivetuple", filters.get(0).type());
        return filters.get(0);
    }

    private static String items(String... items) throws ConfigException {
        return Options.parse("filter fivetuple (-a)", List.of(items)).toString();
    }

    @Test
    void dashAMayComeAnywhereAndRepeat() throws Exception {
        TraceCommand t = parse("trace", "-a", "src=198.18.1.2", "dport=80", "--duration", "5", "-a", "src=198.18.1.3",
                "--dst", "198.18.2.0/24", "--proto", "tcp", "--sport", "1000-2000");
        assertEquals(items("src=198.18.1.2", "dport=80", "src=198.18.1.3", "dest=198.18.2.0/24", "protocol=tcp",
                "sport=1000-2000"), tupleFilter(t).options().toString());
        assertEquals(5.0, t.duration);
    }

    @Test
    void dashAWithNothingAfterItIsAnError() throws Exception {
        assertThrows(CommandLine.ParameterException.class, () -> parse("trace", "-a"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("trace", "--duration", "1", "-a"));
    }

    @Test
    void dashAItemsMustBeKeyValue() throws Exception {
        TraceCommand t = parse("trace", "-a", "198.18.1.2");
        ConfigException e = assertThrows(ConfigException.class, () -> spec(t));
        assertTrue(e.userLine().contains("valid keys: src, dest, protocol, sport, dport"), e.userLine());
    }

    @Test
    void outputGoesToTheJsonSink() throws Exception {
        List<TraceSpec.Component> sinks = spec(parse("trace", "--sink", "console", "--sink", "json", "--output", "f.jsonl")).sinks();
        assertEquals(List.of("console", "json"), sinks.stream().map(TraceSpec.Component::type).toList());
        assertEquals(List.of("f.jsonl"), sinks.get(1).options().all("output"));
        assertEquals("json", spec(parse("trace", "--output", "f.jsonl")).sinks().get(0).type());
        assertThrows(ConfigException.class, () -> spec(parse("trace", "--sink", "console", "--output", "f")));
    }

    // Moved from TupleRulesParserTest (TupleRulesParser.fromArgs, a second -a parser, is gone): -a items on the real path.

    @Test
    void dashAKeepsOrderAndRepeats() throws Exception {
        TraceSpec.Component c = tupleFilter(parse("trace", "-a", "src=198.18.1.2", "dport=80", "src=2001:db8::/32", "dest=198.18.2.2"));
        Options o = c.options();
        assertEquals(List.of("src", "dport", "dest"), new ArrayList<>(o.keys()));
        assertEquals(List.of("198.18.1.2", "2001:db8::/32"), o.all("src"));
        TupleRules r = new FiveTupleFilterFactory().configure(o);
        assertEquals(2, r.src().size());
    }

    @Test
    void dashARejectsItemsWithoutKeyOrValueAndNothingAtAll() throws Exception {
        CommandLine.ParameterException none = assertThrows(CommandLine.ParameterException.class, () -> parse("trace", "-a"));
        assertTrue(none.getMessage().contains("'-a'"), none.getMessage());
        ConfigException bare = assertThrows(ConfigException.class, () -> spec(parse("trace", "-a", "src=1.2.3.4", "tcp")));
        assertEquals("-a takes key=value items, not 'tcp': valid keys: src, dest, protocol, sport, dport, either, port, reply",
                bare.userLine());
        assertThrows(ConfigException.class, () -> spec(parse("trace", "-a", "=80")));
    }

    @Test
    void dashAErrorsNameTheDashA() throws Exception {
        TraceSpec.Component c = tupleFilter(parse("trace", "-a", "dest=1.2.3.4/40"));
        ConfigException e = assertThrows(ConfigException.class, () -> new FiveTupleFilterFactory().configure(c.options()));
        assertTrue(e.userLine().startsWith("filter fivetuple (-a): dest: prefix length 40"), e.userLine());
    }
}
