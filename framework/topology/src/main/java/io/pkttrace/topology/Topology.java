package io.pkttrace.topology;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.netns.NetnsNames;
import io.pkttrace.topology.CommandRunner.CommandFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a throw-away network topology out of named network namespaces, veth pairs, bridges,
 * addresses, routes and sysctls, using the {@code ip} command (iproute2).
 *
 * <p>Every namespace gets this topology's unique {@link #prefix()} (process id plus a sequence
 * number and random characters), so parallel runs never collide; interfaces live inside the
 * namespaces and can therefore keep short fixed names such as {@code eth0}. In every new namespace
 * loopback is brought up and IPv6 duplicate address detection is switched off, so addresses,
 * including link-local ones, are usable at once.
 *
 * <p>{@link #close()} deletes every namespace this topology created (which removes the veths and
 * bridges in them) and never throws. If any step fails, the topology closes itself before throwing a
 * {@link PkttraceException}, so nothing half-built is left behind; it is then unusable. Nothing is
 * registered globally (no shutdown hooks): use try-with-resources. Not thread-safe.
 *
 * <pre>{@code
 * try (Topology t = Topology.create()) {
 *     Topology.Netns a = t.netns("a"), b = t.netns("b");
 *     t.veth(a, "eth0", b, "eth0");
 *     a.addAddress("eth0", "198.18.0.1/24").up("eth0");
 *     b.addAddress("eth0", "198.18.0.2/24").up("eth0");
 *     a.exec("ping", "-c1", "198.18.0.2");
 * }
 * }</pre>
 */
public final class Topology implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    // Short names are appended to the prefix; keep them to characters safe in file names.
    private static final Pattern SHORT_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    // IFNAMSIZ is 16 including the terminating NUL; '/', ':' and whitespace are rejected by the kernel.
    private static final Pattern IFNAME = Pattern.compile("[^/:\\s]{1,15}");

    private final CommandRunner runner;
    private final Path netnsRoot;
    private final NetnsOwners owners;
    private final String prefix;
    private final List<Netns> created = new ArrayList<>();
    private boolean closed;

    private Topology(CommandRunner runner, Path netnsRoot, NetnsOwners owners, String prefix) {
        this.runner = runner;
        this.netnsRoot = netnsRoot;
        this.owners = owners;
        this.prefix = prefix;
    }

    /** A new, empty topology that runs {@code ip} through a default {@link CommandRunner}. */
    public static Topology create() {
        return create(new CommandRunner());
    }

    /** A new, empty topology that runs its commands through {@code runner}. */
    public static Topology create(CommandRunner runner) {
        return create(runner, NetnsNames.DEFAULT_ROOT);
    }

    // Visible for tests: a scripted runner plus a temporary directory standing in for /run/netns
    // (owner records only for the real one, unless a test gives its own).
    static Topology create(CommandRunner runner, Path netnsRoot) {
        return create(runner, netnsRoot, netnsRoot.equals(NetnsNames.DEFAULT_ROOT) ? NetnsOwners.system() : null);
    }

    static Topology create(CommandRunner runner, Path netnsRoot, NetnsOwners owners) {
        return new Topology(runner, netnsRoot, owners, uniquePrefix(netnsRoot));
    }

    /** The prefix of every namespace name of this topology, e.g. {@code pt1k3f-2ab-}. */
    public String prefix() {
        return prefix;
    }

    /** The namespaces created so far, in creation order. */
    public List<Netns> namespaces() {
        return Collections.unmodifiableList(created);
    }

    /**
     * Creates the network namespace {@code prefix() + shortName}, brings its loopback up and
     * disables IPv6 duplicate address detection in it.
     */
    public Netns netns(String shortName) throws PkttraceException {
        ensureOpen();
        if (shortName == null || !SHORT_NAME.matcher(shortName).matches()) {
            throw new IllegalArgumentException("bad namespace name (want 1-32 of [A-Za-z0-9_.-]): " + shortName);
        }
        for (Netns n : created) {
            if (n.shortName.equals(shortName)) {
                throw new IllegalArgumentException("namespace '" + shortName + "' already exists in this topology");
            }
        }
        Netns ns = new Netns(shortName, prefix + shortName);
        if (Files.exists(netnsRoot.resolve(ns.name), LinkOption.NOFOLLOW_LINKS)) {
            // Never adopt (and later delete) a namespace that someone else made.
            fail("network namespace '" + ns.name + "' already exists", "delete it with: ip netns del " + ns.name);
        }
        // Recorded before the command so that close() also removes it if `ip` dies half way, and in
        // the owner records so that the next pkttrace removes it if this one is killed (NetnsOwners).
        recordOwner(ns, false);
        created.add(ns);
        step("create network namespace " + ns.name, List.of("ip", "netns", "add", ns.name));
        recordOwner(ns, true);
        ns.ip("bring up lo", "link", "set", "lo", "up");
        // accept_dad=0 in "default" covers interfaces created later; DAD is skipped when both this
        // and "all" are 0, so addresses (link-local too) are usable at once instead of after ~1-2 s.
        ns.sysctls("disable IPv6 duplicate address detection",
                "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        return ns;
    }

    /**
     * Creates a veth pair: {@code ifA} in {@code a} and {@code ifB} in {@code b} (both down). Each
     * end is created directly in its namespace, so the host namespace never sees the names.
     */
    public void veth(Netns a, String ifA, Netns b, String ifB) throws PkttraceException {
        ensureOpen();
        if (a.owner() != this || b.owner() != this) {
            throw new IllegalArgumentException("namespace belongs to another topology");
        }
        checkIfname(ifA);
        checkIfname(ifB);
        if (a == b && ifA.equals(ifB)) {
            throw new IllegalArgumentException("both veth ends named " + ifA + " in " + a.name);
        }
        step("create veth pair " + a.name + "/" + ifA + " <-> " + b.name + "/" + ifB,
                List.of("ip", "-n", a.name, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b.name));
    }

    /** Deletes every namespace this topology created, newest first. Never throws; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = created.size() - 1; i >= 0; i--) {
            String name = created.get(i).name;
            try {
                if (!Files.exists(netnsRoot.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    release(name); // creation never got that far
                    continue;
                }
                CommandRunner.Result r = runner.tryRun(List.of("ip", "netns", "del", name));
                if (!r.ok()) {
                    LOG.warn("could not delete network namespace {}: {}", name, r.stderr().strip());
                } else {
                    release(name);
                }
            } catch (CommandFailedException | RuntimeException e) {
                LOG.warn("could not delete network namespace {}: {}", name, e.getMessage());
            }
        }
    }

    /** Writes the owner record of a namespace about to be created, or adds the inode once it is. */
    private void recordOwner(Netns ns, boolean exists) throws PkttraceException {
        if (owners == null) {
            return;
        }
        try {
            if (exists) {
                owners.created(ns.name, ns.inode());
            } else {
                owners.claim(ns.name);
            }
        } catch (PkttraceException e) {
            close();
            throw e;
        }
    }

    private void release(String name) {
        if (owners != null) {
            owners.release(name);
        }
    }

    /** True once {@link #close()} ran (explicitly or after a failed step). */
    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("topology " + prefix + " is closed");
        }
    }

    private static void checkIfname(String ifname) {
        if (ifname == null || !IFNAME.matcher(ifname).matches() || ifname.equals(".") || ifname.equals("..")) {
            throw new IllegalArgumentException("bad interface name (1-15 chars, no '/', ':' or spaces): " + ifname);
        }
    }

    /** Runs one creation step; on failure tears everything down and throws a one-line error. */
    private CommandRunner.Result step(String what, List<String> argv) throws PkttraceException {
        try {
            return runner.run(argv);
        } catch (CommandFailedException e) {
            PkttraceException user = explain(what, e);
            close();
            throw user;
        }
    }

    private void fail(String message, String hint) throws PkttraceException {
        close();
        throw new PkttraceException(message, hint);
    }

    // Visible for tests: turns a failed command into the one line a user needs.
    static PkttraceException explain(String what, CommandFailedException e) {
        String prog = e.argv().isEmpty() ? "" : e.argv().get(0);
        String err = e.stderr();
        if (e.notFound() && prog.equals("ip")) {
            return new PkttraceException("the 'ip' command (iproute2) is not installed",
                    "install it: apt-get install -y iproute2", e);
        }
        // `ip netns exec` reports a missing program itself: exec of "sysctl" failed: No such file...
        if (err.contains("exec of \"sysctl\" failed")) {
            return new PkttraceException("the 'sysctl' command (procps) is not installed",
                    "install it: apt-get install -y procps", e);
        }
        if (err.contains("Operation not permitted") || err.contains("Permission denied")) {
            return new PkttraceException("creating network namespaces needs root",
                    isRoot() ? "run with CAP_SYS_ADMIN and CAP_NET_ADMIN (e.g. a privileged container)" : "run as root", e);
        }
        if (e.timedOut()) {
            return new PkttraceException("cannot " + what + ": '" + String.join(" ", e.argv()) + "' timed out",
                    "check the system load, then retry", e);
        }
        String detail = firstLine(err);
        return new PkttraceException("cannot " + what + (detail.isEmpty() ? " (exit " + e.exitCode() + ")" : ": " + detail),
                null, e);
    }

    private static String firstLine(String s) {
        for (String line : s.split("\n")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // real, effective, saved, fs
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown: fall through to "not root", the likelier explanation for EPERM.
        }
        return false;
    }

    private static String uniquePrefix(Path netnsRoot) {
        String pid = Long.toString(ProcessHandle.current().pid(), 36);
        while (true) {
            // pid separates live processes; sequence separates topologies of one process; the random
            // part guards against equal pids in different pid namespaces sharing one /run/netns.
            String p = "pt" + pid + "-" + Integer.toString(SEQUENCE.incrementAndGet(), 36)
                    + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36) + "-";
            if (!anyStartsWith(netnsRoot, p)) {
                return p;
            }
        }
    }

    private static boolean anyStartsWith(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        } catch (IOException e) {
            return false; // `ip netns add` will still refuse an existing name
        }
    }

    /** One namespace of this topology. Its methods return {@code this} so that steps can chain. */
    public final class Netns {
        private final String shortName;
        private final String name;
        private long inode;

        private Netns(String shortName, String name) {
            this.shortName = shortName;
            this.name = name;
        }

        /** The full name, as {@code ip netns list} shows it. */
        public String name() {
            return name;
        }

        /** The name it was created with, without the topology prefix. */
        public String shortName() {
            return shortName;
        }

        /** The namespace's inode number (what {@code readlink /proc/PID/ns/net} shows inside it). */
        public long inode() throws PkttraceException {
            if (inode == 0) {
                inode = new NetnsNames(netnsRoot).inodeOf(name);
            }
            return inode;
        }

        /** Sets an interface up. */
        public Netns up(String ifname) throws PkttraceException {
            checkIfname(ifname);
            return ip("bring up " + ifname, "link", "set", ifname, "up");
        }

        /**
         * Adds an address such as {@code 198.18.1.2/24} or {@code 2001:db8:1::2/64}; IPv6 ones with
         * {@code nodad}, so they are usable at once.
         */
        public Netns addAddress(String ifname, String cidr) throws PkttraceException {
            checkIfname(ifname);
            boolean v6 = cidr.contains(":");
            List<String> args = new ArrayList<>(List.of(v6 ? "-6" : "-4", "addr", "add", cidr, "dev", ifname));
            if (v6) {
                args.add("nodad");
            }
            return ip("add address " + cidr + " to " + ifname, args.toArray(String[]::new));
        }

        /** Creates a bridge and sets it up. */
        public Netns addBridge(String bridge) throws PkttraceException {
            checkIfname(bridge);
            ip("create bridge " + bridge, "link", "add", "name", bridge, "type", "bridge");
            return up(bridge);
        }

        /** Enslaves an interface to a bridge. */
        public Netns setMaster(String ifname, String bridge) throws PkttraceException {
            checkIfname(ifname);
            checkIfname(bridge);
            return ip("attach " + ifname + " to bridge " + bridge, "link", "set", ifname, "master", bridge);
        }

        /**
         * Adds a route to {@code destination} ({@code default} or a prefix) via gateway {@code via};
         * the address family follows the gateway.
         */
        public Netns addRoute(String destination, String via) throws PkttraceException {
            String family = via.contains(":") ? "-6" : "-4";
            return ip("add route " + destination + " via " + via, family, "route", "add", destination, "via", via);
        }

        /** Sets one sysctl (e.g. {@code net.ipv4.ip_forward}) inside this namespace. */
        public Netns sysctl(String key, String value) throws PkttraceException {
            return sysctls("set " + key, key + "=" + value);
        }

        /** Turns on IPv4 and IPv6 forwarding, making this namespace a router. */
        public Netns enableForwarding() throws PkttraceException {
            return sysctls("enable forwarding", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        }

        /** Runs a command inside this namespace and fails unless it exits 0. */
        public CommandRunner.Result exec(String... argv) throws PkttraceException {
            ensureOpen();
            return runner.run(execArgv(argv));
        }

        /**
         * Runs a command inside this namespace and returns its result whatever the exit code;
         * throws only if it cannot be started or exceeds {@code timeout}.
         */
        public CommandRunner.Result tryExec(Duration timeout, String... argv) throws PkttraceException {
            ensureOpen();
            return runner.tryRun(timeout, execArgv(argv));
        }

        private List<String> execArgv(String... argv) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
            cmd.addAll(List.of(argv));
            return cmd;
        }

        private Netns ip(String what, String... args) throws PkttraceException {
            ensureOpen();
            List<String> argv = new ArrayList<>(List.of("ip", "-n", name));
            argv.addAll(List.of(args));
            step(what + " in " + name, argv);
            return this;
        }

        private Netns sysctls(String what, String... assignments) throws PkttraceException {
            ensureOpen();
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", name, "sysctl", "-q", "-w"));
            argv.addAll(List.of(assignments));
            step(what + " in " + name, argv);
            return this;
        }

        private Topology owner() {
            return Topology.this;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
