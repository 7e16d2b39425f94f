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
        assertTrue(r.out().matches("(?s).*PROBES\\n  netpath +\\[netpath\\].*"), r.out());
        assertTrue(r.out().matches("(?s).*SINKS\\n  console +\\[sinks\\].*"), r.out());
        assertTrue(r.out().contains("netns-names    [builtin]"), r.out());
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
