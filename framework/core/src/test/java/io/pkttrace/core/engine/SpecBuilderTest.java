package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.DefaultUse;
import io.pkttrace.api.Enricher;
import io.pkttrace.api.EnricherFactory;
import io.pkttrace.api.Options;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeFactory;
import io.pkttrace.core.plugins.PluginRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.Extension;

/** What a command runs comes from the components' declared defaults (the built-in netns-names and two test extensions). */
class SpecBuilderTest {
    /** A test probe of the given type that is never run: the tests only build specs. */
    abstract static class NotRunProbeFactory implements ProbeFactory<Object> {
        private final String type;

        NotRunProbeFactory(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public Object configure(Options options) {
            return "";
        }

        @Override
        public Probe create(Object config) {
            throw new UnsupportedOperationException("not run");
        }
    }

    /** A probe that declares no default. */
    @Extension
    public static final class CompanionProbeFactory extends NotRunProbeFactory {
        public CompanionProbeFactory() {
            super("companion-probe");
        }
    }

    /** An enricher that runs whenever the companion probe does. */
    @Extension
    public static final class CompanionEnricherFactory implements EnricherFactory<Object> {
        @Override
        public String type() {
            return "companion";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public DefaultUse defaultUse() {
            return DefaultUse.withProbe("companion-probe");
        }

        @Override
        public Object configure(Options options) {
            return "";
        }

        @Override
        public Enricher create(Object config) {
            return e -> { };
        }
    }

    /** A probe ping runs next to its own, as one it can do without. */
    @Extension
    public static final class PingExtraProbeFactory extends NotRunProbeFactory {
        public PingExtraProbeFactory() {
            super("ping-extra");
        }

        @Override
        public DefaultUse defaultUse() {
            return DefaultUse.always("ping").with("optional=true");
        }
    }

    @TempDir
    Path noPlugins;

    private static List<String> types(List<TraceSpec.Component> cs) {
        return cs.stream().map(TraceSpec.Component::type).toList();
    }

    @Test
    void defaultsComeFromTheDeclarations() throws Exception {
        try (PluginRegistry r = new PluginRegistry(List.of(noPlugins))) {
            TraceSpec withCompanion = new SpecBuilder(r, "trace", null).choose("probe", List.of("companion-probe"))
                    .choose("sink", List.of("any")).build(EngineSettings.defaults(), true);
            assertEquals(List.of("netns-names", "companion"), types(withCompanion.enrichers()),
                    "always-on first, then what runs with the chosen probe");
            TraceSpec without = new SpecBuilder(r, "trace", null).choose("probe", List.of("other"))
                    .choose("sink", List.of("any")).build(EngineSettings.defaults(), true);
            assertEquals(List.of("netns-names"), types(without.enrichers()));
            TraceSpec replay = new SpecBuilder(r, "replay", null).choose("sink", List.of("any")).build(EngineSettings.defaults(), false);
            assertEquals(List.of(), types(replay.enrichers()), "netns-names is declared for trace and ping only");
            SpecBuilder.MissingDefaultException none = assertThrows(SpecBuilder.MissingDefaultException.class,
                    () -> new SpecBuilder(r, "trace", null).choose("sink", List.of("any")).build(EngineSettings.defaults(), true));
            assertEquals("probe", none.kind());
            assertEquals("no probe selected: choose one with --probe (see pkttrace plugins)", none.userLine());
        }
    }

    @Test
    void aDefaultComponentGetsTheOptionsItsDefaultUseDeclaresAndNeverStandsInForTheCommandsOwn() throws Exception {
        try (PluginRegistry r = new PluginRegistry(List.of(noPlugins))) {
            TraceSpec ping = new SpecBuilder(r, "ping", null).choose("sink", List.of("any")).choose("probe", List.of("main"))
                    .build(EngineSettings.defaults(), true);
            assertEquals(List.of("ping-extra", "main"), types(ping.probes()));
            assertEquals(List.of("true"), ping.probes().get(0).options().all("optional"));
            assertEquals(List.of(), List.copyOf(ping.probes().get(1).options().keys()));
            SpecBuilder.MissingDefaultException alone = assertThrows(SpecBuilder.MissingDefaultException.class,
                    () -> new SpecBuilder(r, "ping", null).choose("sink", List.of("any")).build(EngineSettings.defaults(), true));
            assertEquals("probe", alone.kind(), "a probe that is always on does not stand in for the command's own");
            TraceSpec named = new SpecBuilder(r, "trace", null).choose("probe", List.of("ping-extra"))
                    .choose("sink", List.of("any")).build(EngineSettings.defaults(), true);
            assertEquals(List.of(), List.copyOf(named.probes().get(0).options().keys()), "the user's choice is taken as given");
        }
    }

    @Test
    void twoSinksNeverWriteOneFile() throws Exception {
        try (PluginRegistry r = new PluginRegistry(List.of(noPlugins))) {
            ConfigException e = assertThrows(ConfigException.class, () -> new SpecBuilder(r, "replay", null)
                    .choose("sink", List.of("json:output=out.jsonl", "html:output=./out.jsonl")).build(EngineSettings.defaults(), false));
            assertEquals("sink json and sink html would both write ./out.jsonl: give each sink its own output file", e.userLine());
            TraceSpec fine = new SpecBuilder(r, "replay", null)
                    .choose("sink", List.of("json:output=-", "console", "json:output=/dev/null", "html:output=/dev/null", "flow:output=-"))
                    .build(EngineSettings.defaults(), false);
            assertEquals(5, fine.sinks().size(), "standard output and /dev/null are shared");
        }
    }
}
