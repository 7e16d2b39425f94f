package io.pkttrace.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.pkttrace.btf.Btf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.DirectoryStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate and helpers for tests that load real BPF programs. Outside CI a missing capability skips
 * the test; with CI=true it fails it, so CI can never pass by skipping kernel tests.
 */
public final class KernelTestSupport {
    private static final int CAP_SYS_ADMIN = 21;

    private KernelTestSupport() {
    }

    /** Requires root (CAP_SYS_ADMIN) and kernel BTF. */
    public static void requireBpf() {
        String missing = null;
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            long caps = status.lines().filter(l -> l.startsWith("CapEff:"))
                    .mapToLong(l -> Long.parseUnsignedLong(l.substring(7).strip(), 16)).findFirst().orElse(0);
            if ((caps & (1L << CAP_SYS_ADMIN)) == 0) {
                missing = "needs root to load BPF programs";
            } else if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
                missing = "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
            }
        } catch (IOException e) {
            missing = "cannot read /proc/self/status: " + e;
        }
        if (missing == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("kernel test cannot run (CI=true): " + missing);
        }
        Assumptions.assumeTrue(false, "skipped: " + missing);
    }

    /**
     * A compiled BPF object on the test class path (where the probe SDK puts them: bpf/), e.g.
     * "verifier_reject.bpf.o" from core's src/test/bpf or a plugin's "netpath.bpf.o".
     */
    public static byte[] bpfObject(String name) throws IOException {
        try (InputStream in = KernelTestSupport.class.getResourceAsStream("/bpf/" + name)) {
            if (in == null) {
                throw new IOException("no BPF object bpf/" + name + " on the test class path (mvn test-compile builds src/test/bpf)");
            }
            return in.readAllBytes();
        }
    }

    /** The BTF of a compiled BPF object on the test class path (see {@link #bpfObject}); needs no privilege. */
    public static Btf btf(String name) throws IOException {
        return Btf.fromElf(ByteBuffer.wrap(bpfObject(name)), name);
    }

    /**
     * The pkttrace programs (pt_) this process or no process holds, after waiting up to 30 s for them
     * to go: what a test's own engine or an ended (or killed) pkttrace left. (The kernel frees a link's
     * program from a worker after the last descriptor closed: later on a loaded machine.) Programs that other
     * processes hold are theirs (another test's run going on at the same time) and are not counted.
     */
    public static List<String> awaitNoPkttracePrograms() throws IOException, InterruptedException {
        List<String> left = leftPkttracePrograms();
        for (int i = 0; i < 300 && !left.isEmpty(); i++) {
            Thread.sleep(100);
            left = leftPkttracePrograms();
        }
        return left;
    }

    /** Names of the pt_ programs that no process other than this one holds (see {@link #awaitNoPkttracePrograms}). */
    public static List<String> leftPkttracePrograms() throws IOException, InterruptedException {
        List<String> lines = bpftoolProgLines();
        Set<String> heldByOthers = programsHeldByOtherProcesses(); // after the list: a program loaded in between is not counted
        List<String> names = new ArrayList<>();
        for (String line : lines) {
            int i = line.indexOf(" name pt_");
            int colon = line.indexOf(':');
            if (i >= 0 && colon > 0 && !heldByOthers.contains(line.substring(0, colon).strip())) {
                names.add(line.substring(i + 6).split("\\s+")[0]);
            }
        }
        return names;
    }

    /**
     * Ids of the BPF programs another process holds a descriptor of, its own or a link's: their fdinfo
     * says "prog_id:" (bpftool here has no pids column).
     */
    private static Set<String> programsHeldByOtherProcesses() throws IOException {
        String self = Long.toString(ProcessHandle.current().pid());
        Set<String> ids = new HashSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                if (proc.getFileName().toString().equals(self)) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fdinfo"))) {
                    for (Path fd : fds) {
                        for (String line : Files.readAllLines(fd)) {
                            if (line.startsWith("prog_id:")) {
                                ids.add(line.substring("prog_id:".length()).strip());
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process or the descriptor is gone
                }
            }
        }
        return ids;
    }

    private static List<String> bpftoolProgLines() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "prog", "show").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return List.of(out.split("\n"));
    }

    /** Names of loaded BPF programs whose name starts with pt_ (pkttrace's prefix), whoever holds them, via bpftool. */
    public static List<String> loadedPkttracePrograms() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (String line : bpftoolProgLines()) {
            int i = line.indexOf(" name pt_");
            if (i >= 0) {
                names.add(line.substring(i + 6).split("\\s+")[0]);
            }
        }
        return names;
    }
}
