package io.pkttrace.cli;

import io.pkttrace.topology.CommandRunner;
import io.pkttrace.topology.DemoTopology;
import io.pkttrace.topology.NetnsOwners;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pkttrace demo}: builds client -- router -- server namespaces with a couple of firewall rules,
 * traces one IPv4 and one IPv6 ping across them, and removes the topology whatever happens; first it
 * removes the namespaces of earlier demos that were killed before they could ({@link NetnsOwners}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build a 3-namespace demo topology with a few firewall rules, trace an IPv4 and an IPv6 ping across it, remove it.")
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    PkttraceCommand root;

    @Override
    public Integer call() throws Exception {
        root.registry(); // fail on a broken plugin before building anything
        // A demo killed with SIGKILL had no time to delete its namespaces: this run does it.
        List<String> removed = NetnsOwners.system().removeLeftovers(new CommandRunner());
        if (!removed.isEmpty()) {
            System.err.println("pkttrace: removed network namespaces left by a pkttrace that was killed: " + String.join(", ", removed));
        }
        int worst = 0;
        try (DemoTopology demo = DemoTopology.create()) {
            // Ctrl-C or SIGTERM must not leave the namespaces behind: close() is idempotent.
            Thread hook = new Thread(demo::close, "pkttrace-demo-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            demo.addDemoRules();
            System.out.printf("# demo topology: %s (eth0) -- (r0) %s (r1) -- (eth0) %s%n",
                    demo.clientName(), demo.routerName(), demo.serverName());
            for (String target : List.of(DemoTopology.SERVER_V4, DemoTopology.SERVER_V6)) {
                System.out.printf("%n# ping %s from %s%n", target, demo.clientName());
                System.out.flush();
                int status = PingTrace.run(root,
                        new PingTrace.Request(demo.clientName(), 1, null, 2, target, List.of()), System.err);
                worst = Math.max(worst, status);
            }
        }
        System.out.flush();
        return worst;
    }
}
