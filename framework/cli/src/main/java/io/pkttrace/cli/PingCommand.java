package io.pkttrace.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pkttrace ping}: tracepkt done again, with modern ping and namespaces. */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Run ping and show every interface and namespace its request and reply cross. Exits with ping's status.")
final class PingCommand implements Callable<Integer> {
    @ParentCommand
    PkttraceCommand root;

    @Option(names = "--netns", paramLabel = "NAME", description = "run ping inside this network namespace (ip netns)")
    String netns;

    @Option(names = "-c", paramLabel = "COUNT", defaultValue = "1", description = "echo requests to send (default ${DEFAULT-VALUE})")
    int count;

    @ArgGroup(exclusive = true)
    Family family;

    static final class Family {
        @Option(names = "-4", description = "IPv4 only")
        boolean v4;
        @Option(names = "-6", description = "IPv6 only")
        boolean v6;
    }

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "2", description = "seconds to wait for each reply (default ${DEFAULT-VALUE})")
    int timeout;

    @Option(names = "--sink", paramLabel = "TYPE[:k=v,...]", description = "output sink (repeatable; default: the plugins' default sink)")
    List<String> sinks = new ArrayList<>();

    @Parameters(paramLabel = "TARGET", description = "address or host name to ping")
    String target;

    @Override
    public Integer call() throws Exception {
        Integer fam = family == null ? null : family.v4 ? 4 : 6;
        return PingTrace.run(root, new PingTrace.Request(netns, count, fam, timeout, target, sinks), System.err);
    }
}
