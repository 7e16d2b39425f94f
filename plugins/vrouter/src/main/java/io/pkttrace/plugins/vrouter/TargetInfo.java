package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.ConfigException;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.ElfFile;
import io.pkttrace.btf.MalformedFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything read about the target before anything touches the kernel: its type information (BTF:
 * the module's, a file the user gives, the program's .BTF section, or BTF made from the program's
 * DWARF by pahole), the vr_packet layout in it, and its symbols.
 *
 * @param target     what is traced
 * @param btf        the target's types
 * @param btfSource  where they came from, for messages and reports
 * @param layout     struct vr_packet and friends
 * @param symbols    the functions that exist
 */
record TargetInfo(Target target, Btf btf, String btfSource, PacketLayout layout, SymbolTable symbols) {
    static final Path SYS_BTF = Path.of("/sys/kernel/btf");

    /** A kernel module: its BTF from /sys/kernel/btf/MODULE (split on vmlinux) or {@code btfFile}. */
    static TargetInfo kernel(String module, Path btfFile, Path kallsyms) throws ConfigException {
        Target t = Target.kernel(module);
        Btf btf;
        String source;
        if (btfFile != null) {
            btf = readBtf(btfFile, true);
            source = "--btf " + btfFile;
        } else {
            Path sys = SYS_BTF.resolve(module);
            if (!Files.exists(sys)) {
                throw new ConfigException("kernel module " + module + " has no BTF (" + sys + " is missing: the module is not "
                        + "loaded, or was built without BTF)", "load it, give --btf FILE (its BTF, e.g. pahole -J on vrouter.ko), "
                        + "or trace a user-space (DPDK) vrouter with --binary PATH or --pid PID");
            }
            try {
                btf = Btf.read(sys, Btf.vmlinux());
            } catch (IOException e) {
                throw new ConfigException("cannot read the BTF of kernel module " + module + " (" + e.getMessage() + ")", null);
            }
            source = sys.toString();
        }
        PacketLayout layout = PacketLayout.of(btf, source);
        SymbolTable symbols;
        try {
            symbols = SymbolTable.ofKernelModule(module, kallsyms, name -> btf.find(name, io.pkttrace.btf.BtfKind.FUNC) >= 0);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + kallsyms + " (" + e.getMessage() + ")", null);
        }
        return new TargetInfo(t, btf, source, layout, symbols);
    }

    /**
     * A program file, in every process running it (pid -1) or in one process; {@code wanted} (may be
     * null) is checked to name at least one of its functions before its debug information is read.
     */
    static TargetInfo program(Path binary, int pid, Path btfFile, SymbolFile wanted) throws ConfigException {
        Target t = Target.program(binary, pid);
        String what = t.describe();
        if (!Files.exists(binary)) {
            throw new ConfigException("--binary " + binary + " does not exist", "give the path of the vrouter program (e.g. contrail-vrouter-dpdk)");
        }
        if (!Files.isRegularFile(binary)) {
            throw new ConfigException("--binary " + binary + " is not a regular file", "give the path of the vrouter program");
        }
        ElfFile elf;
        try {
            elf = ElfFile.open(binary);
        } catch (MalformedFileException e) {
            throw new ConfigException(what + " is not a program pkttrace can trace (" + e.getMessage() + ")",
                    "give the vrouter's executable (a 64-bit little-endian ELF file)");
        } catch (IOException e) {
            throw new ConfigException("cannot read " + what + " (" + e.getMessage() + ")", null);
        }
        SymbolTable symbols;
        try {
            symbols = SymbolTable.ofProgram(elf);
        } catch (MalformedFileException e) {
            throw new ConfigException(what + ": " + e.getMessage(), null);
        }
        Btf btf;
        String source;
        if (btfFile != null) {
            btf = readBtf(btfFile, false);
            source = "--btf " + btfFile;
        } else if (elf.hasSection(".BTF")) {
            btf = parse(elf.section(".BTF").orElseThrow(), what + " (.BTF section)");
            source = "the .BTF section of " + what;
        } else {
            Path debug = elf.hasSection(".debug_info") ? binary : separateDebugFile(elf).orElse(null);
            if (debug == null && wanted != null && !namesAny(symbols, wanted)) {
                String stripped = elf.hasSection(".symtab") ? "" : ", no symbol table";
                throw new ConfigException(what + " has none of the functions of " + wanted.path() + " (and no debug "
                        + "information" + stripped + "): it is not a vrouter program", pid > 0
                        ? "give --pid the process id of a DPDK vrouter" : "give --binary the vrouter's program (e.g. contrail-vrouter-dpdk)");
            }
            if (debug == null) {
                throw new ConfigException(what + " has no debug information (no .debug_info or .BTF section, no "
                        + "separate debug file for its build id)", "pkttrace derives each function's packet argument from it: "
                        + "install the program's debug symbols (e.g. its -dbg/-debuginfo package), or give --btf FILE "
                        + "made with pahole --btf_encode_detached=FILE from an unstripped copy");
            }
            btf = parse(Pahole.btfOf(debug, what), "the BTF pahole made from " + debug);
            source = "the BTF pahole made from the DWARF of " + (debug.equals(binary) ? what : debug.toString());
        }
        PacketLayout layout;
        try {
            layout = PacketLayout.of(btf, source);
        } catch (ConfigException e) {
            if (pid > 0) {
                throw new ConfigException("process " + pid + " (" + binary + ") is not a vrouter: its program has no struct "
                        + "vr_packet", "give --pid the process id of a DPDK vrouter (pgrep contrail-vrouter)");
            }
            throw e;
        }
        return new TargetInfo(t, btf, source, layout, symbols);
    }

    /** True when a name of the symbol file (or one of its globs) is a function of the program. */
    private static boolean namesAny(SymbolTable symbols, SymbolFile wanted) {
        for (SymbolFile.Entry e : wanted.entries()) {
            if (!e.isGlob() && (symbols.has(e.pattern()) || !symbols.clonesOf(e.pattern()).isEmpty())) {
                return true;
            }
            if (e.isGlob()) {
                var re = e.regex();
                for (String n : symbols.names()) {
                    if (re.matcher(n).matches()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The executable of a running process, for --pid. */
    static Path executableOf(int pid) throws ConfigException {
        Path proc = Path.of("/proc", Integer.toString(pid));
        if (!Files.isDirectory(proc)) {
            throw new ConfigException("process " + pid + " does not exist", "give --pid the process id of a running DPDK vrouter");
        }
        try {
            Path exe = Files.readSymbolicLink(proc.resolve("exe"));
            String s = exe.toString();
            if (s.endsWith(" (deleted)")) {
                throw new ConfigException("the program of process " + pid + " (" + s + ") was deleted or replaced",
                        "restart the process, then trace it");
            }
            return exe;
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigException("process " + pid + " has no program file to trace (a kernel thread, or it exited)",
                    "give --pid the process id of a running DPDK vrouter");
        }
    }

    /** /usr/lib/debug/.build-id/ab/cdef.debug for a stripped program whose debug symbols are installed. */
    private static Optional<Path> separateDebugFile(ElfFile elf) {
        return elf.buildId().filter(id -> id.length() > 2)
                .map(id -> Path.of("/usr/lib/debug/.build-id", id.substring(0, 2), id.substring(2) + ".debug"))
                .filter(Files::isRegularFile);
    }

    /** @param splitOnVmlinux also accept a module's split BTF (a copy of /sys/kernel/btf/MODULE) */
    private static Btf readBtf(Path file, boolean splitOnVmlinux) throws ConfigException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--btf " + file + (Files.exists(file) ? " is not a regular file" : " does not exist"),
                    "give a BTF file (e.g. pahole --btf_encode_detached=FILE on the vrouter's program or module)");
        }
        try {
            try {
                return Btf.read(file);
            } catch (MalformedFileException e) {
                if (!splitOnVmlinux || !Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
                    throw e;
                }
                try {
                    return Btf.read(file, Btf.vmlinux());
                } catch (MalformedFileException | IllegalArgumentException split) {
                    throw e;
                }
            }
        } catch (MalformedFileException e) {
            throw new ConfigException("--btf " + file + " is not BTF (" + e.getMessage() + ")",
                    "give a BTF file, e.g. made with pahole --btf_encode_detached=FILE from the vrouter's program or module");
        } catch (IOException e) {
            throw new ConfigException("cannot read --btf " + file + " (" + e.getMessage() + ")", null);
        }
    }

    private static Btf parse(ByteBuffer data, String what) throws ConfigException {
        try {
            return Btf.parse(data);
        } catch (MalformedFileException e) {
            throw new ConfigException(what + " is not valid BTF (" + e.getMessage() + ")", "give --btf FILE");
        }
    }
}
