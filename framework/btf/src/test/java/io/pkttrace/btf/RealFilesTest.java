package io.pkttrace.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The readers on real files: this kernel's BTF, libc's symbols, and the BTF of a real vrouter.ko
 * (from ../shared, which a user's clone does not have: then the test says so, and fails in CI).
 */
class RealFilesTest {
    private static final boolean CI = "true".equals(System.getenv("CI"));

    private static void need(boolean present, String what) {
        if (present) {
            return;
        }
        String msg = "NOT RUN: " + what + " is missing";
        System.err.println("RealFilesTest: " + msg);
        if (CI) {
            fail(msg + " (CI=true: a missing prerequisite fails)");
        }
        Assumptions.abort(msg);
    }

    @Test
    void kernelBtfHasTheStableNetworkHeaders() throws Exception {
        need(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "/sys/kernel/btf/vmlinux (kernel BTF)");
        Btf k = Btf.vmlinux();
        assertSame(k, Btf.vmlinux(), "the kernel's BTF is read once per process");
        assertEquals(Btf.read(Path.of("/sys/kernel/btf/vmlinux")).typeCount(), k.typeCount());
        int iphdr = k.find("iphdr", BtfKind.STRUCT);
        assertTrue(iphdr > 0);
        assertEquals(20, k.sizeOf(iphdr));
        Map<String, Integer> off = k.members(iphdr).stream()
                .filter(m -> !m.name().isEmpty())
                .collect(Collectors.toMap(Btf.Member::name, Btf.Member::byteOffset));
        assertEquals(9, off.get("protocol"));
        assertEquals(14, k.sizeOf(k.find("ethhdr", BtfKind.STRUCT)));
        int reasons = k.find("skb_drop_reason", BtfKind.ENUM);
        assertTrue(k.enumValues(reasons).stream().anyMatch(v -> v.name().equals("SKB_DROP_REASON_NOT_SPECIFIED")));
        int consume = k.find("consume_skb", BtfKind.FUNC);
        assertEquals("struct sk_buff *", k.typeName(k.params(consume).get(0).type()));
    }

    @Test
    void libcExportsGetppid() throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        need(Files.isRegularFile(libc), libc.toString());
        List<ElfFile.Symbol> syms = ElfFile.open(libc).symbols();
        assertTrue(syms.stream().anyMatch(s -> s.name().equals("getppid") && s.isFunction() && s.isDefined()));
    }

    @Test
    void libcSymbolsMapToFileOffsetsAndItHasABuildId() throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        need(Files.isRegularFile(libc), libc.toString());
        ElfFile elf = ElfFile.open(libc);
        ElfFile.Symbol getppid = elf.symbols().stream().filter(s -> s.name().equals("getppid") && s.isDefined())
                .findFirst().orElseThrow();
        ElfFile.Section text = elf.sections().get(getppid.sectionIndex());
        long offset = elf.fileOffset(getppid).orElseThrow();
        assertEquals(text.offset() + getppid.value() - text.address(), offset);
        // The bytes there are the function's code: the same as at its address in a mapping of the file.
        assertTrue(offset > 0 && offset < Files.size(libc));
        Process p = new ProcessBuilder("readelf", "-n", libc.toString()).redirectErrorStream(true).start();
        String notes = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        need(notes.contains("Build ID:"), "readelf (binutils)");
        String id = notes.substring(notes.indexOf("Build ID:") + 9).strip().split("\\s+")[0];
        assertEquals(id, elf.buildId().orElseThrow());
        assertTrue(elf.stringTableContains(".dynstr", "getppid"));
        assertFalse(elf.stringTableContains(".dynstr", "getppi"), "whole strings only");
    }

    @Test
    void elfReaderRefusesDamagedFiles() throws Exception {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        need(Files.isRegularFile(libc), libc.toString());
        byte[] head = Files.readAllBytes(libc);
        byte[] cut = java.util.Arrays.copyOf(head, 4096); // section headers are at the end
        assertThrows(MalformedFileException.class, () -> ElfFile.of(ByteBuffer.wrap(cut), "cut"));
        byte[] bits32 = head.clone();
        bits32[4] = 1;
        assertThrows(MalformedFileException.class, () -> ElfFile.of(ByteBuffer.wrap(bits32), "elf32"));
        assertThrows(MalformedFileException.class, () -> ElfFile.of(ByteBuffer.wrap(new byte[100]), "zeros"));
        assertThrows(MalformedFileException.class, () -> Btf.read(libc), "an ELF file without .BTF is refused");
        assertThrows(MalformedFileException.class, () -> Btf.read(Path.of("/dev/null")), "not a regular file");
    }

    @Test
    void realVrouterModuleBtf() throws Exception {
        Path shared = Path.of(System.getProperty("pkttrace.shared", "../../../shared")).toAbsolutePath().normalize();
        Path file = shared.resolve("vrouter/btf/vrouter.ko.btf");
        need(Files.isReadable(file), file + " (the vrouter fixtures of ../shared)");
        Btf v = Btf.read(file);
        int pkt = v.find("vr_packet", BtfKind.STRUCT);
        assertEquals(48, v.sizeOf(pkt));
        Map<String, Integer> off = v.members(pkt).stream().filter(m -> !m.name().isEmpty())
                .collect(Collectors.toMap(Btf.Member::name, Btf.Member::byteOffset, (a, b) -> a));
        assertEquals(Map.of("vp_head", 0, "vp_if", 8, "vp_nh", 16, "vp_data", 24, "vp_network_h", 32, "vp_type", 39),
                Map.of("vp_head", off.get("vp_head"), "vp_if", off.get("vp_if"), "vp_nh", off.get("vp_nh"),
                        "vp_data", off.get("vp_data"), "vp_network_h", off.get("vp_network_h"), "vp_type", off.get("vp_type")));
        int virtualInput = v.find("vr_virtual_input", BtfKind.FUNC);
        assertEquals("struct vr_packet *", v.typeName(v.params(virtualInput).get(2).type()));
        assertFalse(v.findAll("vr_fabric_input", BtfKind.FUNC).isEmpty());
    }
}
