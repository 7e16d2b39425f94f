package io.pkttrace.sdk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Compiles every {@code *.bpf.c} of a directory into a CO-RE BPF object: {@code clang -g -O2 -target bpf},
 * against a {@code vmlinux.h} (the SDK's minimal one, or one generated from a BTF file), the SDK headers
 * and the source directory itself; DWARF is then stripped (the BTF that CO-RE and the Java side read
 * stays). An object newer than every input is not compiled again.
 */
public final class BpfCompiler {
    private static final long TIMEOUT_S = 300;

    private final String clang;
    private final String arch;
    private final List<Path> includes;
    private final List<String> flags;
    private final Consumer<String> log;

    /**
     * @param clang    the clang command
     * @param arch     the kernel architecture name of bpf_tracing.h ({@link #kernelArch})
     * @param includes include directories, searched in this order (vmlinux.h's directory first)
     * @param flags    extra compiler flags (e.g. -DNAME=VALUE)
     * @param log      receives one line per compiled object
     */
    public BpfCompiler(String clang, String arch, List<Path> includes, List<String> flags, Consumer<String> log) {
        this.clang = clang;
        this.arch = arch;
        this.includes = List.copyOf(includes);
        this.flags = List.copyOf(flags);
        this.log = log;
    }

    /** The kernel's name for a Java {@code os.arch} (x86, arm64, ...), as {@code __TARGET_ARCH_*} expects. */
    public static String kernelArch(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86";
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le", "ppc64" -> "powerpc";
            case "riscv64" -> "riscv";
            case "s390x" -> "s390";
            case "loongarch64" -> "loongarch";
            default -> osArch;
        };
    }

    /** The sources a directory holds, sorted; none if it does not exist. */
    public static List<Path> sources(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".bpf.c") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    /** Compiles each source of {@code sourceDir} into {@code outputDir/NAME.bpf.o}; returns the objects. */
    public List<Path> compileAll(Path sourceDir, Path outputDir) throws BuildException, IOException {
        List<Path> out = new ArrayList<>();
        List<Path> sources = sources(sourceDir);
        if (sources.isEmpty()) {
            return out;
        }
        Files.createDirectories(outputDir);
        FileTime inputs = newestInput(sourceDir);
        for (Path src : sources) {
            String name = src.getFileName().toString();
            Path obj = outputDir.resolve(name.substring(0, name.length() - 2) + ".o");
            if (Files.exists(obj) && Files.getLastModifiedTime(obj).compareTo(inputs) > 0) {
                out.add(obj);
                continue;
            }
            compile(src, obj);
            Path here = Path.of("").toAbsolutePath();
            log.accept("compiled " + name + " -> " + (obj.toAbsolutePath().startsWith(here) ? here.relativize(obj.toAbsolutePath()) : obj));
            out.add(obj);
        }
        return out;
    }

    /** Compiles one source; the failure carries clang's messages. */
    public void compile(Path source, Path object) throws BuildException, IOException {
        List<String> cmd = new ArrayList<>(List.of(clang, "-g", "-O2", "-Wall", "-Werror", "-target", "bpf",
                "-D__TARGET_ARCH_" + arch));
        for (Path i : includes) {
            cmd.add("-I" + i);
        }
        cmd.add("-I" + source.toAbsolutePath().getParent());
        cmd.addAll(flags);
        cmd.addAll(List.of("-c", source.toString(), "-o", object.toString()));
        run(cmd, "clang", "install clang (Debian: apt-get install clang llvm; scripts/setup.sh does it)",
                "cannot compile " + source.getFileName());
        // DWARF only serves to produce BTF; dropping it shrinks the object ~10x (the .BTF sections stay).
        if (onPath("llvm-strip")) {
            run(List.of("llvm-strip", "-g", object.toString()), "llvm-strip", "install llvm", "cannot strip " + object);
        }
    }

    /**
     * The compile step without Maven (other build tools, scripts, tests):
     * {@code BpfCompiler [--btf FILE | --vmlinux-h FILE] SOURCE_DIR OUTPUT_DIR WORK_DIR}, with the SDK
     * jar and pkttrace-btf on the class path. Exit 1 with one message when something fails.
     */
    public static void main(String[] args) throws IOException {
        Path btf = null;
        Path header = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--btf") || args[i].equals("--vmlinux-h")) && i + 1 < args.length) {
                Path p = Path.of(args[++i]);
                if (args[i - 1].equals("--btf")) {
                    btf = p;
                } else {
                    header = p;
                }
            } else {
                rest.add(args[i]);
            }
        }
        if (rest.size() != 3) {
            System.err.println("usage: BpfCompiler [--btf FILE | --vmlinux-h FILE] SOURCE_DIR OUTPUT_DIR WORK_DIR");
            System.exit(2);
        }
        Path work = Path.of(rest.get(2));
        try {
            new BpfCompiler("clang", kernelArch(System.getProperty("os.arch")), SdkFiles.includes(header, btf, work), List.of(),
                    System.out::println)
                    .compileAll(Path.of(rest.get(0)), Path.of(rest.get(1)));
        } catch (BuildException e) {
            System.err.println("pkttrace-probe: " + e.getMessage());
            System.exit(1);
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a tool; its output is returned, or becomes the message of the failure. */
    static String run(List<String> cmd, String tool, String install, String what) throws BuildException, IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BuildException("'" + cmd.get(0) + "' cannot be run (" + e.getMessage() + "): " + install);
        }
        byte[] output = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BuildException(tool + " did not finish in " + TIMEOUT_S + " s: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BuildException(what + ": interrupted");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new BuildException(what + " (" + tool + " exit " + p.exitValue() + "):\n" + text.strip()
                    + "\ncommand: " + String.join(" ", cmd));
        }
        return text;
    }

    /** The newest modification time among the files a compilation reads. */
    private FileTime newestInput(Path sourceDir) throws IOException {
        FileTime newest = FileTime.fromMillis(0);
        List<Path> dirs = new ArrayList<>(includes);
        dirs.add(sourceDir);
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(d)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    FileTime t = Files.getLastModifiedTime(f);
                    if (t.compareTo(newest) > 0) {
                        newest = t;
                    }
                }
            }
        }
        return newest;
    }
}
