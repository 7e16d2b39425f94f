package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third party's sink, built the way an outsider would (javac against the distribution's api and
 * pf4j jars only, no pkttrace build), dropped into a plugin directory, runs.
 */
class ThirdPartyPluginIT {
    @TempDir
    Path tmp;

    private Path buildExamplePlugin() throws Exception {
        Path example = Cli.home().resolve("../../../docs/example-plugin").normalize();
        return PluginJarBuilder.build(example.resolve("src/main/java"), example.resolve("src/main/resources/plugin.properties"),
                tmp, "count-sink-1.0.0.jar");
    }

    @Test
    void aDroppedInSinkJarIsFoundAndRuns() throws Exception {
        KernelTestSupport.requireBpf();
        Path plugins = TestPlugins.distributionPlugins(tmp.resolve("plugins"));
        Files.copy(buildExamplePlugin(), plugins.resolve("count-sink-1.0.0.jar"));

        Cli.Result list = Cli.run("--plugins", plugins.toString(), "plugins");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("count          [count-sink]"), list.out());

        Process ping = Loopback.ping("0.05");
        try {
            Cli.Result r = Cli.run(List.of(), Map.of(), 60, "--plugins", plugins.toString(), "trace",
                    "--probe", "netpath:hooks=tx", "-a", "either=127.0.0.1", "--sink", "count", "--count", "4");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().strip().matches("\\d+/lo +4"), "the count sink saw 4 events on lo: " + r);
        } finally {
            ping.destroy();
            ping.waitFor();
        }
    }
}
