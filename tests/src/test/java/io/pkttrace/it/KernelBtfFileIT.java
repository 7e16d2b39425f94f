package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pkttrace --btf FILE}: with the kernel's BTF copied to a file and pkttrace pointed away from
 * /sys/kernel/btf/vmlinux (system property pkttrace.btf), real packets are traced, and doctor says
 * where the BTF came from; with sysfs's own file it works as before. Pointed away, pkttrace takes the
 * kernel for one without BTF of its own, so netpath attaches raw tracepoints (RawTracepointIT hides the
 * BTF from libbpf too); BtfFileKernelTest shows CO-RE relocations use the file.
 */
class KernelBtfFileIT {
    private static final Map<String, String> NO_SYSFS_BTF = Map.of("PKTTRACE_JAVA_OPTS", "-Dpkttrace.btf=/nonexistent/vmlinux");

    @TempDir
    Path tmp;

    @BeforeEach
    void gate() {
        KernelTestSupport.requireBpf();
    }

    private static void pingTraced(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("request") && r.out().contains("reply"), "echo request and reply rows: " + r);
    }

    @Test
    void aCopyOfTheKernelsBtfTracesRealPackets() throws Exception {
        Path copy = tmp.resolve("vmlinux.btf");
        Files.copy(Path.of("/sys/kernel/btf/vmlinux"), copy);
        String line = Cli.oneLine(Cli.run(List.of(), NO_SYSFS_BTF, 60, "ping", "-c", "1", "127.0.0.1"));
        assertTrue(line.contains("no BTF") && line.contains("--btf FILE"), "pointed away, without --btf: " + line);

        Cli.Result ping = Cli.run(List.of(), NO_SYSFS_BTF, 120, "--btf", copy.toString(), "ping", "-c", "2", "127.0.0.1");
        pingTraced(ping);
        assertTrue(ping.err().contains("netpath: tx attached as raw_tp/net_dev_queue"), "no kernel BTF: raw_tp: " + ping);

        Cli.Result d = Cli.run(List.of(), NO_SYSFS_BTF, 120, "--btf", copy.toString(), "doctor", "--json");
        JsonNode btf = null;
        for (JsonNode f : new ObjectMapper().readTree(d.out()).get("features")) {
            if (f.get("name").asText().equals("BTF")) {
                btf = f;
            }
        }
        assertTrue(btf != null && btf.get("state").asText().equals("present")
                && btf.get("detail").asText().startsWith("from --btf " + copy), "doctor names the file: " + d);
    }

    @Test
    void sysfsOwnFileAsBeforeAlsoGivenExplicitly() throws Exception {
        pingTraced(Cli.run(List.of(), Map.of(), 120, "ping", "-c", "2", "127.0.0.1"));
        pingTraced(Cli.run(List.of(), Map.of(), 120, "--btf", "/sys/kernel/btf/vmlinux", "ping", "-c", "2", "127.0.0.1"));
    }
}
