package io.pkttrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.ConfigException;
import io.pkttrace.core.engine.TraceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** pkt_tracer's -a anywhere on the line, the long filter options, and --output. */
class TraceCommandOptionsTest {
    private static TraceCommand parse(String... args) {
        CommandLine cl = new CommandLine(new PkttraceCommand());
        CommandLine.ParseResult r = cl.parseArgs(args);
        return (TraceCommand) r.subcommand().commandSpec().userObject();
    }

    @Test
    void dashAMayComeAnywhereAndRepeat() throws Exception {
        TraceCommand t = parse("trace", "-a", "src=198.18.1.2", "dport=80", "--duration", "5", "-a", "src=198.18.1.3",
                "--dst", "198.18.2.0/24", "--proto", "tcp", "--sport", "1000-2000");
        assertEquals(List.of("src=198.18.1.2", "dport=80", "src=198.18.1.3", "dest=198.18.2.0/24", "protocol=tcp",
                "sport=1000-2000"), t.tupleItems());
        assertEquals(5.0, t.duration);
    }

    @Test
    void dashAWithNothingAfterItIsAnError() {
        CommandLine cl = new CommandLine(new PkttraceCommand());
        assertThrows(CommandLine.ParameterException.class, () -> cl.parseArgs("trace", "-a"));
        assertThrows(CommandLine.ParameterException.class, () -> cl.parseArgs("trace", "--duration", "1", "-a"));
    }

    @Test
    void dashAItemsMustBeKeyValue() {
        TraceCommand t = parse("trace", "-a", "198.18.1.2");
        ConfigException e = assertThrows(ConfigException.class, t::tupleItems);
        assertTrue(e.userLine().contains("valid keys: src, dest, protocol, sport, dport"), e.userLine());
    }

    @Test
    void outputGoesToTheJsonSink() throws Exception {
        List<TraceSpec.Component> sinks = parse("trace", "--sink", "console", "--sink", "json", "--output", "f.jsonl").sinkSpecs();
        assertEquals(List.of("console", "json"), sinks.stream().map(TraceSpec.Component::type).toList());
        assertEquals(List.of("f.jsonl"), sinks.get(1).options().all("output"));
        assertEquals("json", parse("trace", "--output", "f.jsonl").sinkSpecs().get(0).type());
        assertThrows(ConfigException.class, () -> parse("trace", "--sink", "console", "--output", "f").sinkSpecs());
    }
}
