package io.pkttrace.plugins.vrouter;

import io.pkttrace.btf.ElfFile;
import io.pkttrace.btf.MalformedFileException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The functions that exist in the target, as its symbols say: a program's ELF symbol table, or the
 * module's lines of {@code /proc/kallsyms}. Keeps GCC's clones ({@code foo.isra.0},
 * {@code foo.constprop.0}, {@code foo.part.0}) apart from source-level names, and knows whether
 * the debug information mentions a name that has no symbol (inlined away).
 */
final class SymbolTable {
    /** GCC's suffixes for copies of a function with a changed calling convention, or its split-off parts. */
    private static final Pattern CLONE = Pattern.compile("(.+?)\\.(isra|constprop|part|cold|lto_priv|localalias)(\\.\\d+)?(\\..*)?");

    /** name -> file offsets of its definitions (several for static functions of the same name). */
    private final Map<String, List<Long>> functions;
    private final Predicate<String> debugKnows;
    private final boolean loaded;

    private SymbolTable(Map<String, List<Long>> functions, Predicate<String> debugKnows, boolean loaded) {
        this.functions = functions;
        this.debugKnows = debugKnows;
        this.loaded = loaded;
    }

    /** The defined functions of a program (with their file offsets, for uprobes). */
    static SymbolTable ofProgram(ElfFile elf) throws MalformedFileException {
        Map<String, List<Long>> out = new TreeMap<>();
        for (ElfFile.Symbol s : elf.symbols()) {
            if (!s.isFunction() || !s.isDefined() || s.name().isEmpty()) {
                continue;
            }
            Optional<Long> off = elf.fileOffset(s);
            if (off.isPresent()) {
                List<Long> offs = out.computeIfAbsent(s.name(), k -> new ArrayList<>(1));
                if (!offs.contains(off.get())) { // .symtab and .dynsym both list exported functions
                    offs.add(off.get());
                }
            }
        }
        return new SymbolTable(out, name -> elf.stringTableContains(".debug_str", name), true);
    }

    /**
     * The functions of a kernel module from /proc/kallsyms (lines "addr t name [module]"), or, when
     * the module is not loaded, an empty table that says so.
     */
    static SymbolTable ofKernelModule(String module, Path kallsyms, Predicate<String> btfKnows) throws IOException {
        Map<String, List<Long>> out = new TreeMap<>();
        String tag = "[" + module + "]";
        boolean any = false;
        if (Files.isReadable(kallsyms)) {
            try (BufferedReader r = Files.newBufferedReader(kallsyms, StandardCharsets.US_ASCII)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.endsWith(tag)) {
                        continue;
                    }
                    String[] f = line.split("\\s+");
                    if (f.length >= 4 && (f[1].equals("t") || f[1].equals("T"))) {
                        out.computeIfAbsent(f[2], k -> new ArrayList<>(1)).add(0L);
                        any = true;
                    }
                }
            }
        }
        return new SymbolTable(out, btfKnows, any);
    }

    /** False for a kernel module that is not loaded (no symbols known). */
    boolean loaded() {
        return loaded;
    }

    boolean has(String name) {
        return functions.containsKey(name);
    }

    /** File offsets of a program function's definitions (empty for kernel symbols). */
    List<Long> offsets(String name) {
        return functions.getOrDefault(name, List.of());
    }

    /** Every function name, clones included, sorted. */
    Iterable<String> names() {
        return functions.keySet();
    }

    /** True for a clone name like {@code foo.isra.0}. */
    static boolean isClone(String name) {
        return CLONE.matcher(name).matches();
    }

    /** The source function a clone was made from ({@code foo} for {@code foo.isra.0}), or the name itself. */
    static String cloneOf(String name) {
        var m = CLONE.matcher(name);
        return m.matches() ? m.group(1) : name;
    }

    /** The clones (not .cold parts: those are not entry points) of a source-level name. */
    List<String> clonesOf(String name) {
        List<String> out = new ArrayList<>();
        for (String n : functions.keySet()) {
            if (n.startsWith(name + ".") && isClone(n) && cloneOf(n).equals(name) && !n.contains(".cold")) {
                out.add(n);
            }
        }
        return out;
    }

    /** True when the debug information (or BTF) knows a name: a function without a symbol was inlined. */
    boolean debugKnows(String name) {
        return debugKnows.test(name);
    }
}
