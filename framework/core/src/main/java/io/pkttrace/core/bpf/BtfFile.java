package io.pkttrace.core.bpf;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a BTF file the user gives for the running kernel ({@code pkttrace --btf FILE}) before anything
 * uses it: it must be BTF (raw, as in /sys/kernel/btf/vmlinux, or an ELF file with a .BTF section) and
 * describe the kernel types the probes relocate against.
 */
public final class BtfFile {
    /** Types every built-in probe reads (CO-RE relocations) and the engine names drop reasons from. */
    static final List<String> NEEDED_STRUCTS = List.of("sk_buff", "net_device", "sock");

    private BtfFile() {
    }

    /** Returns the parsed file, or fails with one line saying what is wrong. */
    public static Btf check(Path file) throws PkttraceException {
        String what = "--btf " + file + " (the kernel's own BTF)";
        if (!Files.isRegularFile(file)) {
            throw new PkttraceException(what + ": " + (Files.exists(file) ? "not a regular file" : "no such file"),
                    "give this kernel's BTF, e.g. a copy of /sys/kernel/btf/vmlinux or one from a BTF archive (btfhub)");
        }
        Btf btf;
        try {
            btf = file.equals(Btf.vmlinuxPath()) ? Btf.vmlinux() : Btf.read(file); // the kernel's: read once per process
        } catch (IOException | RuntimeException e) {
            throw new PkttraceException(what + ": not a BTF file (" + e.getMessage() + ")",
                    "give this kernel's BTF (raw BTF, or an ELF file with a .BTF section), e.g. from btfhub");
        }
        for (String s : NEEDED_STRUCTS) {
            if (btf.find(s, BtfKind.STRUCT) < 0) {
                throw new PkttraceException(what + ": BTF without struct " + s + ", so not a kernel's (vmlinux) BTF",
                        "give the BTF of the running kernel's vmlinux, not of a module or a program");
            }
        }
        return btf;
    }
}
