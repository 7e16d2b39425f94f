package io.pkttrace.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The files the SDK ships inside its jar: {@code include/} (the pkttrace headers) and {@code vmlinux/}
 * (the minimal CO-RE vmlinux.h and the list of kernel types and fields it was generated from).
 */
public final class SdkFiles {
    /** Where the files lie in the jar (or in target/classes when built in the same reactor). */
    static final String ROOT = "io/pkttrace/sdk/";

    private SdkFiles() {
    }

    /**
     * Copies {@code ROOT + part} (a folder) into {@code dir}. A file whose content did not change is left
     * as it is, so its time stays and objects built from it are not rebuilt.
     */
    public static Path extract(String part, Path dir) throws IOException {
        Path location;
        try {
            location = Path.of(SdkFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the pkttrace probe SDK's own files: " + e.getMessage(), e);
        }
        String prefix = ROOT + part + "/";
        Files.createDirectories(dir);
        if (Files.isDirectory(location)) {
            Path base = location.resolve(prefix);
            try (Stream<Path> s = Files.walk(base)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    write(dir.resolve(base.relativize(f).toString()), Files.readAllBytes(f));
                }
            }
            return dir;
        }
        try (ZipFile jar = new ZipFile(location.toFile())) {
            Enumeration<? extends ZipEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().startsWith(prefix)) {
                    continue;
                }
                String rel = e.getName().substring(prefix.length());
                if (rel.contains("..")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(e)) {
                    write(dir.resolve(rel), in.readAllBytes());
                }
            }
        }
        return dir;
    }

    private static void write(Path file, byte[] content) throws IOException {
        if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), content)) {
            return;
        }
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    /** The SDK's include path, in search order: vmlinux.h's directory ({@link #vmlinuxDir}), then the headers. */
    public static List<Path> includes(Path header, Path btf, Path work) throws BuildException, IOException {
        return List.of(vmlinuxDir(header, btf, work), extract("include", work.resolve("include")));
    }

    /**
     * The directory holding the vmlinux.h to compile against: {@code header}'s if given, else one
     * generated with bpftool from {@code btf} if given (every type of that kernel), else the SDK's
     * minimal header, which needs no BTF on the build machine.
     *
     * @param work a directory of the build to extract or generate into
     */
    public static Path vmlinuxDir(Path header, Path btf, Path work) throws BuildException, IOException {
        if (header != null) {
            if (!Files.isRegularFile(header)) {
                throw new BuildException("vmlinux header " + header + " does not exist: give an existing file, or drop the"
                        + " setting to use the SDK's minimal vmlinux.h");
            }
            if (!header.getFileName().toString().equals("vmlinux.h")) {
                throw new BuildException("vmlinux header " + header + " must be named vmlinux.h (sources include \"vmlinux.h\")");
            }
            return header.toAbsolutePath().getParent();
        }
        if (btf != null) {
            if (!Files.isReadable(btf)) {
                throw new BuildException("no BTF at " + btf + " to generate vmlinux.h from: give a readable kernel BTF"
                        + " file (e.g. /sys/kernel/btf/vmlinux), or drop the setting to use the SDK's minimal vmlinux.h,"
                        + " which needs none");
            }
            Path dir = Files.createDirectories(work.resolve("vmlinux-from-btf"));
            String text = BpfCompiler.run(List.of("bpftool", "btf", "dump", "file", btf.toString(), "format", "c"),
                    "bpftool", "install bpftool (Debian: apt-get install bpftool; scripts/setup.sh does it)",
                    "cannot turn " + btf + " into vmlinux.h");
            Path out = dir.resolve("vmlinux.h");
            write(out, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return dir;
        }
        return extract("vmlinux", work.resolve("vmlinux"));
    }
}
