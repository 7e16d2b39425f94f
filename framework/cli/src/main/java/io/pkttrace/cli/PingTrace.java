package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.TupleFilter;
import io.pkttrace.api.TupleRules;
import io.pkttrace.core.engine.EngineSettings;
import io.pkttrace.core.engine.Named;
import io.pkttrace.core.engine.Pipeline;
import io.pkttrace.core.engine.PipelineBuilder;
import io.pkttrace.core.engine.RunResult;
import io.pkttrace.core.engine.SpecBuilder;
import io.pkttrace.core.engine.TraceSpec;
import io.pkttrace.core.netns.NetnsNames;
import io.pkttrace.core.ping.PingCorrelator;
import io.pkttrace.core.ping.SocketWatcher;
import io.pkttrace.core.plugins.PluginRegistry;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs ping (optionally inside a namespace) with the probes the plugins declare for {@code ping} (the
 * netpath probe) and shows its packets' path: an echo filter pushed into the kernel, and a gate that
 * passes on exactly this ping's requests and replies.
 */
final class PingTrace {
    /** What to ping and how. */
    record Request(String netns, int count, Integer family, int timeoutSeconds, String target, List<String> sinks) {
    }

    /** The most echo requests one run sends (-c). */
    static final int MAX_COUNT = 1000;

    private PingTrace() {
    }

    static InetAddress resolve(String target, Integer family) throws PkttraceException {
        if (target.isBlank()) {
            // InetAddress takes an empty name for the loopback address: the user meant something else.
            throw new PkttraceException("the target is empty", "give an IPv4 or IPv6 address or a host name");
        }
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
        if (r.count() < 1 || r.count() > MAX_COUNT) {
            throw new ConfigException("-c must be between 1 and " + MAX_COUNT + ": " + r.count(), "e.g. -c 3");
        }
        if (r.timeoutSeconds() < 1 || r.timeoutSeconds() > 3600) {
            throw new ConfigException("--timeout must be between 1 and 3600 seconds: " + r.timeoutSeconds(), null);
        }
    }

    /** @return ping's exit status, or {@link Main#EXIT_COMPONENT_FAILED} when a plugin component failed */
    static int run(PkttraceCommand root, Request r, PrintStream err) throws PkttraceException {
        validate(r);
        InetAddress target = resolve(r.target(), r.family());
        if (r.netns() != null) {
            new NetnsNames().requireMounted(r.netns());
        }
        PluginRegistry registry = root.registry();
        TraceSpec spec = Missing.explained(() -> new SpecBuilder(registry, "ping", null).choose("sink", r.sinks())
                .build(EngineSettings.defaults(), true), registry);
        PingCorrelator[] correlator = new PingCorrelator[1];
        Pipeline pipeline = new PipelineBuilder(registry, line -> err.println("pkttrace: " + line))
                .live(spec, List.of(new Named<>("filter ping-echo", new TupleFilter(echoRules(target)))), out -> {
                    correlator[0] = new PingCorrelator(List.of(out));
                    return correlator[0];
                });
        AtomicReference<Process> running = new AtomicReference<>();
        int[] status = new int[1];
        RunResult result;
        try {
            result = pipeline.run(p -> status[0] = runPing(r, target, correlator[0], running, err), () -> {
                Process ping = running.get(); // Ctrl-C and SIGTERM end ping too
                if (ping != null) {
                    ping.destroy();
                }
            }, res -> RunReport.print(err, res, false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PkttraceException("interrupted", null);
        } finally {
            Process ping = running.get();
            if (ping != null && ping.isAlive()) {
                ping.destroyForcibly();
            }
        }
        if (correlator[0].echoId() < 0) {
            err.println("pkttrace: no packet of this ping was seen leaving its socket"
                    + (status[0] == 2 ? " (ping could not send: see its message above)" : ""));
        }
        int own = RunReport.exitStatus(result, root);
        return own != 0 ? own : status[0];
    }

    /** Runs ping while the pipeline traces; returns its exit status. */
    private static int runPing(Request r, InetAddress target, PingCorrelator correlator, AtomicReference<Process> running,
                               PrintStream err) throws PkttraceException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (r.netns() != null) {
            argv.addAll(List.of("ip", "netns", "exec", r.netns()));
        }
        argv.addAll(List.of("ping", target instanceof Inet4Address ? "-4" : "-6", "-c", Integer.toString(r.count()),
                "-i", "0.2", "-W", Integer.toString(r.timeoutSeconds()), pingArgument(r.target(), target)));
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new PkttraceException("cannot run ping (" + e.getMessage() + ")", "install it: apt-get install -y iputils-ping");
        }
        running.set(p);
        correlator.pingStarted((int) p.pid());
        Thread echo = new Thread(() -> copyLines(p, err), "pkttrace-ping-output");
        echo.setDaemon(true);
        echo.start();
        try (SocketWatcher w = new SocketWatcher(p.toHandle(), correlator::socketSeen)) {
            long limit = r.count() * 1L + r.timeoutSeconds() + 10;
            if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PkttraceException("ping did not finish within " + limit + " s", null);
            }
            echo.join(1000);
            return p.exitValue();
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
