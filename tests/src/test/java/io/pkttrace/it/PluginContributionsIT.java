package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.core.testing.KernelTestSupport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line names no plugin: short forms, default components and whole commands come from the
 * installed plugins. Removing a plugin's jar removes what it contributed, and using it then says in
 * one line which plugin is missing (from the distribution's table of what its plugins contribute).
 */
class PluginContributionsIT {
    @TempDir
    Path tmp;

    @Test
    void shortFormsAreListedWithThePluginsThatDeclareThem() throws Exception {
        Cli.Result list = Cli.run("plugins");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().matches("(?s).*SHORT FORMS\\n(  [^\\n]*\\n)*  -a KEY=VALUE\\.\\.\\. +\\[fivetuple] filter fivetuple options: .*"), list.out());
        assertTrue(list.out().matches("(?s).*\\n  -f FILE +\\[vrouter] probe vrouter functions: .*\\(in vrouter\\)\\n.*"), list.out());
        assertTrue(list.out().contains("COMMANDS\n  vrouter        [vrouter] "), list.out());
        assertTrue(list.out().matches("(?s).*\\n  --output FILE +\\[sinks] sink json output: .*"), list.out());
        assertTrue(list.out().contains("      hooks            device hooks to attach: comma-separated subset of tx, rx, drop, consume"
                + " (default tx,rx,drop)"), "option help comes from the declaration: " + list.out());
        Cli.Result help = Cli.run("trace", "--help");
        assertTrue(help.out().contains("-a=KEY=VALUE..."), help.out());
        assertTrue(help.out().replaceAll("\\s+", " ").contains("[filter fivetuple, plugin fivetuple]"), help.out());
    }

    @Test
    void removingAPluginRemovesItsShortFormsAndSaysWhichPluginIsMissing() throws Exception {
        String noFivetuple = TestPlugins.distributionPlugins(tmp.resolve("no-fivetuple"), "fivetuple").toString();
        assertEquals("pkttrace: -a comes from the plugin fivetuple (filter fivetuple), which is not installed: add its jar to the"
                        + " plugin directory (pkttrace plugins lists what is installed)",
                Cli.oneLine(Cli.run("--plugins", noFivetuple, "trace", "--duration", "1", "-a", "src=198.18.0.1")));
        assertTrue(Cli.oneLine(Cli.run("--plugins", noFivetuple, "trace", "--dport", "53"))
                .startsWith("pkttrace: --dport comes from the plugin fivetuple (filter fivetuple), which is not installed"));
        Path rec = Files.writeString(tmp.resolve("empty.jsonl"), "");
        assertTrue(Cli.oneLine(Cli.run("--plugins", noFivetuple, "replay", rec.toString(), "-a", "dport=53"))
                .startsWith("pkttrace: -a comes from the plugin fivetuple"));
        Cli.Result list = Cli.run("--plugins", noFivetuple, "plugins");
        assertFalse(list.out().contains("-a KEY=VALUE"), list.out());

        String noVrouter = TestPlugins.distributionPlugins(tmp.resolve("no-vrouter"), "vrouter").toString();
        assertEquals("pkttrace: the command 'vrouter' comes from the plugin vrouter, which is not installed: add its jar to the"
                + " plugin directory (pkttrace plugins lists what is installed)",
                Cli.oneLine(Cli.run("--plugins", noVrouter, "vrouter", "-f", "func")));

        String noSinks = TestPlugins.distributionPlugins(tmp.resolve("no-sinks"), "sinks").toString();
        assertTrue(Cli.oneLine(Cli.run("--plugins", noSinks, "trace", "--output", "f.jsonl"))
                .startsWith("pkttrace: --output comes from the plugin sinks (sink json), which is not installed"));

        KernelTestSupport.requireBpf();
        String noNetpath = TestPlugins.distributionPlugins(tmp.resolve("no-netpath"), "netpath").toString();
        assertEquals("pkttrace: no probe selected: trace uses the netpath probe by default, from the plugin netpath, which is not"
                        + " installed: add its jar to the plugin directory, or choose a probe with --probe (see pkttrace plugins)",
                Cli.oneLine(Cli.run("--plugins", noNetpath, "trace", "--duration", "1")));
        assertEquals("pkttrace: no probe selected: ping uses the netpath probe by default, from the plugin netpath, which is not"
                        + " installed: add its jar to the plugin directory (see pkttrace plugins)",
                Cli.oneLine(Cli.run("--plugins", noNetpath, "ping", "127.0.0.1")));
    }

    @Test
    void aPluginsCommandExistsOnlyWithItsPluginAndTracesRealPackets() throws Exception {
        KernelTestSupport.requireBpf();
        Path home = TestPlugins.distributionWith(tmp.resolve("dist"), TestPlugins.testkit(tmp));
        Cli.Result list = Cli.run(home, List.of(), Map.of(), 60, "plugins");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("COMMANDS\n  looptrace      [testkit] test command"), list.out());
        Cli.Result help = Cli.run(home, List.of(), Map.of(), 60, "looptrace", "--help");
        assertTrue(help.out().startsWith("Usage: pkttrace looptrace "), help.out());
        for (String option : List.of("-o ", "-p=PORT", "-a=KEY=VALUE...", "--sink=", "--count=")) {
            assertTrue(help.out().contains(option), option + " in " + help.out());
        }
        assertFalse(help.out().contains("--probe"), "the command's probes are its own: " + help.out());
        assertTrue(Cli.run(home, List.of(), Map.of(), 60, "trace", "-p", "53").err().contains("'-p'"),
                "-p is the command's own, not trace's");

        int port = 40000 + ThreadLocalRandom.current().nextInt(20000);
        Cli.Result rows = withUdpTo(port, () -> Cli.run(home, List.of(), Map.of(), 60,
                "looptrace", "-p", Integer.toString(port), "-a", "either=127.0.0.1", "--count", "2"));
        assertEquals(0, rows.exit(), rows.toString());
        assertTrue(rows.err().contains("netpath: tx attached as tp_btf/net_dev_queue"), rows.err());
        List<TraceRow> shown = TraceRow.parse(rows.out());
        assertEquals(2, shown.size(), rows.toString());
        for (TraceRow r : shown) {
            assertEquals("udp", r.type(), rows.out());
            assertTrue(r.addresses().matches("127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + port), rows.out());
        }
        Cli.Result flow = withUdpTo(port, () -> Cli.run(home, List.of(), Map.of(), 60,
                "looptrace", "-o", "-p", Integer.toString(port), "--count", "2"));
        assertEquals(0, flow.exit(), flow.toString());
        assertTrue(flow.out().contains("\nflow: "), "-o selected the flow sink: " + flow);

        Files.delete(home.resolve("plugins/testkit-1.0.0.jar"));
        assertEquals("pkttrace: the command 'looptrace' comes from the plugin testkit, which is not installed: add its jar to the"
                        + " plugin directory (pkttrace plugins lists what is installed)",
                Cli.oneLine(Cli.run(home, List.of(), Map.of(), 60, "looptrace", "-p", "53")));
    }

    /** Runs {@code run} while datagrams go to 127.0.0.1:port every 20 ms. */
    private static Cli.Result withUdpTo(int port, Step run) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            Thread sender = new Thread(() -> {
                byte[] b = new byte[8];
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    // stopped
                }
            }, "udp-sender");
            sender.setDaemon(true);
            sender.start();
            try {
                return run.run();
            } finally {
                sender.interrupt();
            }
        }
    }

    /** A pkttrace run. */
    @FunctionalInterface
    interface Step {
        Cli.Result run() throws Exception;
    }
}
