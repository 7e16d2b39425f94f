package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The distribution's plugins are found through PF4J, with their extensions. */
class PluginsIT {
    @Test
    void listsPluginsAndExtensions() throws Exception {
        Cli.Result r = Cli.run("plugins");
        assertEquals(0, r.exit(), r.toString());
        // Probes are listed by name: netfilter comes before netpath.
        assertTrue(r.out().matches("(?s).*PROBES\\n  netfilter +\\[netfilter\\][^\\n]*(?:\\n      [^\\n]*)*\\n  netpath +\\[netpath\\].*"), r.out());
        assertTrue(r.out().contains("netfilter-drops [netfilter]"), r.out());
        assertTrue(r.out().substring(r.out().indexOf("SINKS\n")).matches("(?s).*\n  console +\\[sinks\\].*"), r.out());
        assertTrue(r.out().contains("netns-names    [builtin]"), r.out());
    }

    @Test
    void pluginsLoadFromTheBuildTreeInDevelopment() throws Exception {
        java.nio.file.Path root = Cli.home().resolve("../../..").normalize();
        String dev = root.resolve("plugins/netpath/target") + ":" + root.resolve("plugins/sinks/target");
        Cli.Result r = Cli.run(java.util.List.of(), java.util.Map.of("PKTTRACE_PLUGINS", dev), 60, "plugins");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("plugins/netpath/target/pkttrace-plugin-netpath-"), r.out());
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void versionAndHelp() throws Exception {
        Cli.Result v = Cli.run("--version");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("pkttrace 0."), v.out());
        Cli.Result h = Cli.run("ping", "--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().contains("--netns=NAME"), h.out());
    }
}
