package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.TupleFilter;
import io.pkttrace.api.TupleRules;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.core.engine.Engine;
import io.pkttrace.core.engine.EngineBuilder;
import io.pkttrace.core.engine.EngineSettings;
import io.pkttrace.core.engine.TraceSpec;
import io.pkttrace.core.enrich.NetnsNameEnricherFactory;
import io.pkttrace.core.netns.NetnsNames;
import io.pkttrace.core.ping.PingCorrelator;
import io.pkttrace.core.ping.SocketWatcher;
import io.pkttrace.core.wiring.CoreModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs ping (optionally inside a namespace) with the netpath probe (and the netfilter probe, when
 * installed) on and shows its packets' path with the netfilter verdicts on the way.
 */
final class PingTrace {
    /** What to ping and how. */
    record Request(String netns, int count, Integer family, int timeoutSeconds, String target, List<String> sinks) {
    }

    private PingTrace() {
    }

    static InetAddress resolve(String target, Integer family) throws PkttraceException {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(target);
        } catch (UnknownHostException | SecurityException e) {
            throw new PkttraceException("invalid target '" + target + "': not an IP address or a resolvable host name",
                    "give an IPv4 or IPv6 address");
        }
        for (InetAddress a : all) {
            if (family == null || (family == 4 && a instanceof Inet4Address) || (family == 6 && a instanceof Inet6Address)) {
                return a;
            }
        }
        throw new PkttraceException("target '" + target + "' has no IPv" + family + " address",
                "drop -" + family + " or give an IPv" + family + " address");
    }

    /** ICMP(v6) to or from the target: pushed into the kernel, so only ping-like packets are recorded. */
    static TupleRules echoRules(InetAddress target) {
        boolean v4 = target instanceof Inet4Address;
        TupleRules.Prefix p = new TupleRules.Prefix(v4 ? PacketEvent.FAMILY_IPV4 : PacketEvent.FAMILY_IPV6,
                target.getAddress(), v4 ? 32 : 128);
        return new TupleRules(List.of(), List.of(), List.of(p), List.of(v4 ? PacketEvent.PROTO_ICMP : PacketEvent.PROTO_ICMPV6),
                List.of(), List.of(), List.of(), false);
    }

    static void validate(Request r) throws PkttraceException {
        if (r.count() < 1 || r.count() > 1000) {
            throw new ConfigException("-c must be between 1 and 1000: " + r.count(), "give a smaller count");
        }
        if (r.timeoutSeconds() < 1 || r.timeoutSeconds() > 3600) {
            throw new ConfigException("--timeout must be between 1 and 3600 seconds: " + r.timeoutSeconds(), null);
        }
    }

    /** @return ping's exit status */
    static int run(CoreModule.Services services, Request r, PrintStream err) throws PkttraceException {
        validate(r);
        InetAddress target = resolve(r.target(), r.family());
        if (r.netns() != null) {
            new NetnsNames().inodeOf(r.netns());
        }
        List<TraceSpec.Component> sinks = ComponentSpecs.parseAll("sink", r.sinks().isEmpty() ? List.of("console") : r.sinks());
        List<TraceSpec.Component> probes = new ArrayList<>(List.of(new TraceSpec.Component("netpath", Options.empty("probe netpath"))));
        if (NetfilterDefaults.installed(services.plugins())) {
            // The verdicts of every netfilter chain the echo crosses, where the kernel can trace them.
            // Optional: where netfilter cannot be traced, ping still shows the device rows (one line says why).
            probes.add(new TraceSpec.Component(NetfilterDefaults.PROBE,
                    Options.parse("probe " + NetfilterDefaults.PROBE, List.of("optional=true"))));
        }
        List<TraceSpec.Component> enrichers = new ArrayList<>(
                List.of(new TraceSpec.Component(NetnsNameEnricherFactory.TYPE, Options.empty("enricher netns-names"))));
        enrichers.addAll(NetfilterDefaults.enrichers(services.plugins(), probes));
        TraceSpec spec = new TraceSpec(probes, List.of(), enrichers, sinks, EngineSettings.defaults());
        PingCorrelator[] correlator = new PingCorrelator[1];
        Engine engine = new EngineBuilder(services.plugins(), line -> err.println("pkttrace: " + line))
                .build(spec, List.of(new TupleFilter(echoRules(target))), user -> {
                    correlator[0] = new PingCorrelator(user);
                    return List.of(correlator[0]);
                });
        java.util.concurrent.atomic.AtomicReference<Process> running = new java.util.concurrent.atomic.AtomicReference<>();
        // Ctrl-C and SIGTERM: end ping too, then detach and release everything.
        Thread hook = new Thread(() -> {
            Process p = running.get();
            if (p != null) {
                p.destroy();
            }
            engine.stop();
        }, "pkttrace-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Process ping = null;
        try {
            engine.start();
            List<String> argv = new ArrayList<>();
            if (r.netns() != null) {
                argv.addAll(List.of("ip", "netns", "exec", r.netns()));
            }
            argv.addAll(List.of("ping", target instanceof Inet4Address ? "-4" : "-6", "-c", Integer.toString(r.count()),
                    "-i", "0.2", "-W", Integer.toString(r.timeoutSeconds()), pingArgument(r.target(), target)));
            try {
                ping = new ProcessBuilder(argv).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new PkttraceException("cannot run ping (" + e.getMessage() + ")", "install it: apt-get install -y iputils-ping");
            }
            Process p = ping;
            running.set(p);
            correlator[0].pingStarted((int) p.pid());
            Thread echo = new Thread(() -> copyLines(p, err), "pkttrace-ping-output");
            echo.setDaemon(true);
            echo.start();
            int status;
            try (SocketWatcher w = new SocketWatcher(p.toHandle(), correlator[0]::socketSeen)) {
                long limit = r.count() * 1L + r.timeoutSeconds() + 10;
                if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new PkttraceException("ping did not finish within " + limit + " s", null);
                }
                status = p.exitValue();
                echo.join(1000);
            }
            RunStats stats = engine.stop();
            RunReport.print(err, stats, false);
            if (correlator[0].echoId() < 0) {
                err.println("pkttrace: no packet of this ping was seen leaving its socket"
                        + (status == 2 ? " (ping could not send: see its message above)" : ""));
            }
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PkttraceException("interrupted", null);
        } finally {
            if (ping != null && ping.isAlive()) {
                ping.destroyForcibly();
            }
            engine.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
        }
    }

    /** The user's own spelling of an address literal; a host name is passed resolved, so ping uses the same address. */
    static String pingArgument(String given, InetAddress resolved) {
        return given.matches("[0-9A-Fa-f:.%]+") ? given : resolved.getHostAddress();
    }

    private static void copyLines(Process p, PrintStream err) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                err.println("ping: " + line);
            }
        } catch (IOException e) {
            // ping exited
        }
    }
}
