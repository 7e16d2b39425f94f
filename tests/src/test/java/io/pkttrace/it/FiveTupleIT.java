package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pkttrace.topology.DemoTopology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fivetuple filter end to end, from the distribution: while six flows run at once between the
 * demo's client and server namespaces (TCP and UDP over IPv4 and IPv6, each to its own port, with
 * echoed replies, plus ping and ping -6), a trace with a five-tuple filter shows the matching flow
 * and nothing else, and {@code --stats} shows that the rest was filtered in the kernel.
 */
class FiveTupleIT extends WithDemoTopology {
    private static final int TCP4 = 7001;
    private static final int TCP6 = 7002;
    private static final int UDP4 = 7003;
    private static final int UDP6 = 7004;
    private static final int MESSAGES = 5;
    private static final Pattern FILTERED =
            Pattern.compile("kernel: \\d+ produced, \\d+ delivered, \\d+ lost, (\\d+) filtered; java: (\\d+) filtered");

    private static Process server;

    @BeforeAll
    static void setUp() throws Exception {
        server = peer(topo.serverName(), "server", "tcp:" + TCP4, "tcp:" + TCP6, "udp:" + UDP4, "udp:" + UDP6);
        String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertEquals("ready", ready, "the echo server did not start");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        // WithDemoTopology removes the namespaces after this.
    }

    /** Starts {@link Peer} in a namespace, in a JVM of its own (its sockets then live there). */
    private static Process peer(String netns, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = Path.of(FiveTupleIT.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns, java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", cp, Peer.class.getName()));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /**
     * Runs pkttrace with {@code args} (plus the console sink and --stats) while all flows run at once:
     * the client JVM is started first and waits for the trace; the trace is ended by Ctrl-C once every
     * flow is done (no fixed window the traffic must fit in on a slow machine).
     */
    private static Cli.Result traceDuringTraffic(String... args) throws Exception {
        Process client = peer(topo.clientName(), "client",
                "tcp:" + DemoTopology.SERVER_V4 + ":" + TCP4, "tcp:" + DemoTopology.SERVER_V6 + ":" + TCP6,
                "udp:" + DemoTopology.SERVER_V4 + ":" + UDP4, "udp:" + DemoTopology.SERVER_V6 + ":" + UDP6);
        List<String> all = new ArrayList<>(List.of("trace", "--sink", "console", "--stats"));
        all.addAll(List.of(args));
        Cli.Result res;
        try (BackgroundTrace trace = new BackgroundTrace(all.toArray(String[]::new))) {
            trace.awaitTracing();
            OutputStream go = client.getOutputStream();
            go.write("go\n".getBytes(StandardCharsets.UTF_8));
            go.flush();
            Process ping4 = netns(topo.clientName(), "ping", "-c", "3", "-i", "0.2", "-W", "2", DemoTopology.SERVER_V4);
            Process ping6 = netns(topo.clientName(), "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", DemoTopology.SERVER_V6);
            String clientSaid = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(client.waitFor(30, TimeUnit.SECONDS), "client did not finish");
            assertEquals(0, client.exitValue(), "every flow got its echoes: " + clientSaid);
            assertTrue(ping4.waitFor(30, TimeUnit.SECONDS) && ping4.exitValue() == 0, "ping");
            assertTrue(ping6.waitFor(30, TimeUnit.SECONDS) && ping6.exitValue() == 0, "ping -6");
            res = trace.stopWithCtrlC();
        } finally {
            client.destroyForcibly();
        }
        System.out.println("pkttrace " + String.join(" ", args) + ": " + TraceRow.parse(res.out()).size() + " rows; "
                + res.errLines().get(res.errLines().size() - 1));
        return res;
    }

    private static Process netns(String ns, String... argv) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(argv));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Events filtered in the kernel, per --stats; netpath evaluates the filter in BPF, so Java filters none. */
    private static long kernelFiltered(Cli.Result res) {
        Matcher m = FILTERED.matcher(res.err());
        assertTrue(m.find(), "--stats prints the counters: " + res);
        assertEquals(0, Long.parseLong(m.group(2)), "netpath filters in the kernel, nothing is left for Java: " + res);
        return Long.parseLong(m.group(1));
    }

    /** Rows of our own namespaces (other tests may trace other namespaces meanwhile). */
    private static List<TraceRow> ours(List<TraceRow> rows) {
        return rows.stream().filter(r -> topo.namespaceNames().contains(r.netns())).toList();
    }

    /** Every row (ours or not) matches; ours show the flow at all four interfaces, at least once per message. */
    private static List<TraceRow> onlyFlow(Cli.Result res, String type, String addressRegex, int atLeast) {
        List<TraceRow> rows = TraceRow.parse(res.out());
        Pattern p = Pattern.compile(addressRegex);
        for (TraceRow r : rows) {
            assertTrue(r.type().equals(type) && p.matcher(r.addresses()).matches(), () -> "unexpected row " + r + " in\n" + res);
        }
        List<TraceRow> ours = ours(rows);
        assertTrue(ours.size() >= atLeast, "expected at least " + atLeast + " rows of the flow:\n" + res);
        for (String hop : List.of(topo.clientName() + " eth0 tx", topo.routerName() + " r0 rx", topo.routerName() + " r1 tx",
                topo.serverName() + " eth0 rx")) {
            assertTrue(ours.stream().anyMatch(r -> (r.netns() + " " + r.ifname() + " " + r.hook()).equals(hop)),
                    "the flow is seen at " + hop + ":\n" + res);
        }
        assertTrue(kernelFiltered(res) > 0, "the other flows were filtered in the kernel: " + res);
        return ours;
    }

    private static String q(String s) {
        return Pattern.quote(s);
    }

    @Test
    void tcpOverIpv4BySourceAndDestinationPort() throws Exception {
        Cli.Result res = traceDuringTraffic("--filter", "fivetuple:src=" + DemoTopology.CLIENT_V4 + ",dport=" + TCP4);
        // SYN, ACK, five data segments and the FIN's: every one of them at four interfaces.
        onlyFlow(res, "tcp", q(DemoTopology.CLIENT_V4) + ":\\d+ -> " + q(DemoTopology.SERVER_V4 + ":" + TCP4), 4 * (MESSAGES + 2));
    }

    @Test
    void udpOverIpv6ByDestinationAndProtocol() throws Exception {
        Cli.Result res = traceDuringTraffic("--filter", "fivetuple:dst=" + DemoTopology.SERVER_V6 + ",protocol=udp");
        onlyFlow(res, "udp", q("[" + DemoTopology.CLIENT_V6 + "]") + ":\\d+ -> " + q("[" + DemoTopology.SERVER_V6 + "]:" + UDP6),
                4 * MESSAGES);
    }

    @Test
    void icmpOverIpv4ByProtocolAndPrefix() throws Exception {
        Cli.Result res = traceDuringTraffic("--filter", "fivetuple:protocol=icmp,either=198.18.2.0/24");
        List<TraceRow> rows = TraceRow.parse(res.out());
        String req = DemoTopology.CLIENT_V4 + " -> " + DemoTopology.SERVER_V4;
        String rep = DemoTopology.SERVER_V4 + " -> " + DemoTopology.CLIENT_V4;
        for (TraceRow r : rows) {
            assertTrue(r.addresses().equals(req) && r.type().equals("request") || r.addresses().equals(rep) && r.type().equals("reply")
                    || !topo.namespaceNames().contains(r.netns()) && r.addresses().contains("198.18.2."), () -> "unexpected row " + r + "\n" + res);
        }
        List<TraceRow> ours = ours(rows);
        assertTrue(ours.stream().filter(r -> r.type().equals("request")).count() >= 4 * 3, res.toString());
        assertTrue(ours.stream().filter(r -> r.type().equals("reply")).count() >= 4 * 3, res.toString());
        assertTrue(kernelFiltered(res) > 0, res.toString());
    }

    @Test
    void replyKeepsTheReverseDirectionOfTheFlow() throws Exception {
        Cli.Result res = traceDuringTraffic("--filter", "fivetuple:src=" + DemoTopology.CLIENT_V4 + ",dport=" + UDP4 + ",reply=true");
        List<TraceRow> rows = TraceRow.parse(res.out());
        Pattern request = Pattern.compile(q(DemoTopology.CLIENT_V4) + ":(\\d+) -> " + q(DemoTopology.SERVER_V4 + ":" + UDP4));
        Pattern reply = Pattern.compile(q(DemoTopology.SERVER_V4 + ":" + UDP4) + " -> " + q(DemoTopology.CLIENT_V4) + ":(\\d+)");
        int requests = 0;
        int replies = 0;
        for (TraceRow r : ours(rows)) {
            assertEquals("udp", r.type(), res.toString());
            if (request.matcher(r.addresses()).matches()) {
                requests++;
            } else if (reply.matcher(r.addresses()).matches()) {
                replies++;
            } else {
                fail("unexpected row " + r + " in\n" + res);
            }
        }
        assertTrue(requests >= 4 * MESSAGES && replies >= 4 * MESSAGES, requests + " requests, " + replies + " replies:\n" + res);
        assertTrue(kernelFiltered(res) > 0, res.toString());
    }

    @Test
    void dashASyntaxAnywhereOnTheLine() throws Exception {
        Cli.Result res = traceDuringTraffic("-a", "src=" + DemoTopology.CLIENT_V6, "--probe", "netpath", "-a", "dport=" + TCP6);
        onlyFlow(res, "tcp", q("[" + DemoTopology.CLIENT_V6 + "]") + ":\\d+ -> " + q("[" + DemoTopology.SERVER_V6 + "]:" + TCP6),
                4 * (MESSAGES + 2));
    }

    // ---- bad input: one line on stderr, exit 2, nothing loaded ---------------------------------------

    @Test
    void badFilterInputIsOneLineAndExitTwo() throws Exception {
        assertEquals("pkttrace: filter fivetuple: dport: port 70000 is out of range: ports are 0 to 65535",
                Cli.oneLine(Cli.run("trace", "--filter", "fivetuple:dport=70000")));
        assertEquals("pkttrace: filter fivetuple: src: prefix length 33 in '198.18.0.0/33' is out of range for IPv4: use 0 to 32",
                Cli.oneLine(Cli.run("trace", "--filter", "fivetuple:src=198.18.0.0/33")));
        assertEquals("pkttrace: filter fivetuple (-a): unknown key 'sprot': valid keys: src, dest, dst, protocol, proto, sport, "
                + "dport, either, port, reply", Cli.oneLine(Cli.run("trace", "-a", "sprot=80")));
        assertTrue(Cli.oneLine(Cli.run("trace", "--proto", "tcpp")).startsWith("pkttrace: filter fivetuple (-a): protocol: unknown protocol 'tcpp'"));
        assertTrue(Cli.oneLine(Cli.run("trace", "--duration", "1", "-a")).contains("-a"));
    }

    /**
     * The flows of the test, run in a namespace by {@code ip netns exec ... java}: an echo server
     * ({@code server tcp:PORT udp:PORT ...}) and a client ({@code client tcp:HOST:PORT udp:HOST:PORT ...})
     * that waits for a line on stdin, then runs every flow at once, five echoed messages
     * each, 100 ms apart. Bounded in time: every socket has a timeout and the server lives at most 5 min.
     */
    public static final class Peer {
        public static void main(String[] args) throws Exception {
            if (args[0].equals("server")) {
                server(args);
            } else {
                System.exit(client(args));
            }
        }

        private static void server(String[] args) throws Exception {
            List<Thread> threads = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                String[] kp = args[i].split(":");
                int port = Integer.parseInt(kp[1]);
                if (kp[0].equals("tcp")) {
                    ServerSocket ss = new ServerSocket();
                    ss.setReuseAddress(true);
                    ss.bind(new InetSocketAddress(port)); // the wildcard of both families
                    threads.add(daemon(() -> acceptLoop(ss)));
                } else {
                    DatagramSocket ds = new DatagramSocket(port);
                    threads.add(daemon(() -> udpEcho(ds)));
                }
            }
            threads.forEach(Thread::start);
            System.out.println("ready");
            System.out.flush();
            // Until the test ends us (or closes our stdin), at most five minutes.
            Thread stdin = daemon(() -> {
                try {
                    System.in.readAllBytes();
                } catch (IOException ignored) {
                    // gone either way
                }
            });
            stdin.start();
            stdin.join(TimeUnit.MINUTES.toMillis(5));
            System.exit(0);
        }

        private static Thread daemon(Runnable r) {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }

        private static void acceptLoop(ServerSocket ss) {
            while (true) {
                try {
                    Socket s = ss.accept();
                    daemon(() -> {
                        try (s) {
                            s.setSoTimeout(10_000);
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // the client went away
                        }
                    }).start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void udpEcho(DatagramSocket ds) {
            byte[] buf = new byte[1500];
            while (true) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    ds.receive(p);
                    ds.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static int client(String[] args) throws Exception {
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine(); // "go"
            List<Thread> threads = new ArrayList<>();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 1; i < args.length; i++) {
                String spec = args[i];
                int first = spec.indexOf(':');
                int last = spec.lastIndexOf(':');
                String proto = spec.substring(0, first);
                InetAddress host = InetAddress.getByName(spec.substring(first + 1, last));
                int port = Integer.parseInt(spec.substring(last + 1));
                Thread t = new Thread(() -> {
                    try {
                        if (proto.equals("tcp")) {
                            tcpFlow(host, port);
                        } else {
                            udpFlow(host, port);
                        }
                        System.out.println(spec + ": " + MESSAGES + " echoes");
                    } catch (Exception e) {
                        failures.add(spec + ": " + e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            failures.forEach(System.out::println);
            return failures.isEmpty() ? 0 : 1;
        }

        private static void tcpFlow(InetAddress host, int port) throws Exception {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 5000);
                s.setSoTimeout(5000);
                s.setTcpNoDelay(true);
                byte[] back = new byte[64];
                for (int i = 0; i < MESSAGES; i++) {
                    byte[] msg = ("message " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                    s.getOutputStream().write(msg);
                    int got = 0;
                    while (got < msg.length) {
                        int n = s.getInputStream().read(back, got, back.length - got);
                        if (n < 0) {
                            throw new IOException("closed after " + i + " echoes");
                        }
                        got += n;
                    }
                    Thread.sleep(100);
                }
                s.shutdownOutput();
                while (s.getInputStream().read(back) >= 0) {
                    // until the server closes too
                }
            }
        }

        private static void udpFlow(InetAddress host, int port) throws Exception {
            try (DatagramSocket ds = new DatagramSocket()) {
                ds.connect(host, port);
                ds.setSoTimeout(1000);
                byte[] back = new byte[64];
                for (int i = 0; i < MESSAGES; i++) {
                    byte[] msg = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                    boolean echoed = false;
                    // The first datagram may wait for neighbour discovery; retry a lost one a few times.
                    for (int attempt = 0; attempt < 3 && !echoed; attempt++) {
                        ds.send(new DatagramPacket(msg, msg.length));
                        try {
                            ds.receive(new DatagramPacket(back, back.length));
                            echoed = true;
                        } catch (SocketTimeoutException e) {
                            // send again
                        }
                    }
                    if (!echoed) {
                        throw new IOException("no echo for message " + i);
                    }
                    Thread.sleep(100);
                }
            }
        }
    }
}
