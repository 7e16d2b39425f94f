package io.pkttrace.btf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sections and symbols of a 64-bit little-endian ELF file (x86-64, arm64): enough to find a
 * program's functions for uprobes and the {@code .BTF} section of objects. Every offset is checked
 * against the file: a hostile file fails with {@link MalformedFileException}.
 */
public final class ElfFile {
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;
    private static final int SHT_NOBITS = 8;
    private static final int SECTION_HEADER = 64;
    private static final int SYMBOL = 24;

    private final String origin;
    private final ByteBuffer data;
    private final List<Section> sections;

    /** One section header; {@code address} is where it is loaded (0 for sections that are not). */
    public record Section(int index, String name, int type, long address, long offset, long size, int link) {
    }

    /** One symbol table entry; {@code type} 2 is a function (STT_FUNC), {@code bind} 0 local, 1 global, 2 weak. */
    public record Symbol(String name, long value, long size, int type, int bind, int sectionIndex) {
        public boolean isFunction() {
            return type == 2;
        }

        /** Defined in this file (not an import resolved elsewhere). */
        public boolean isDefined() {
            return sectionIndex != 0;
        }
    }

    private ElfFile(String origin, ByteBuffer data, List<Section> sections) {
        this.origin = origin;
        this.data = data;
        this.sections = sections;
    }

    /** True when the data starts with the ELF magic. */
    public static boolean isElf(ByteBuffer b) {
        return b.limit() >= 4 && b.get(0) == 0x7f && b.get(1) == 'E' && b.get(2) == 'L' && b.get(3) == 'F';
    }

    public static ElfFile open(Path file) throws IOException {
        return of(FileBytes.map(file), file.toString());
    }

    /** @param origin how to name the file in messages */
    public static ElfFile of(ByteBuffer bytes, String origin) throws MalformedFileException {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (!isElf(b)) {
            throw new MalformedFileException(origin + " is not an ELF file");
        }
        if (b.limit() < 64 || b.get(4) != 2 || b.get(5) != 1) {
            throw new MalformedFileException(origin + " is not a 64-bit little-endian ELF file");
        }
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff;
        int shnum = b.getShort(0x3c) & 0xffff;
        int shstrndx = b.getShort(0x3e) & 0xffff;
        if (shnum == 0) {
            return new ElfFile(origin, b, List.of());
        }
        if (shentsize < SECTION_HEADER || shoff < 0 || shoff + (long) shnum * shentsize > b.limit() || shstrndx >= shnum) {
            throw new MalformedFileException(origin + ": section headers lie outside the file");
        }
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            long type = b.getInt(h + 4) & 0xffffffffL;
            long offset = b.getLong(h + 24);
            long size = b.getLong(h + 32);
            if (type != SHT_NOBITS && (offset < 0 || size < 0 || offset + size > b.limit())) {
                throw new MalformedFileException(origin + ": section " + i + " lies outside the file");
            }
            raw[i] = new long[] {b.getInt(h) & 0xffffffffL, type, offset, size, b.getInt(h + 40) & 0xffffffffL,
                    b.getLong(h + 16)};
        }
        long[] names = raw[shstrndx];
        List<Section> sections = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            String name = cString(b, names[2], names[3], raw[i][0], origin);
            sections.add(new Section(i, name, (int) raw[i][1], raw[i][5], raw[i][2],
                    raw[i][1] == SHT_NOBITS ? 0 : raw[i][3], (int) raw[i][4]));
        }
        return new ElfFile(origin, b, List.copyOf(sections));
    }

    private static String cString(ByteBuffer b, long tableOffset, long tableSize, long offset, String origin)
            throws MalformedFileException {
        if (offset < 0 || offset >= tableSize) {
            throw new MalformedFileException(origin + ": a name points outside its string table");
        }
        int start = (int) (tableOffset + offset);
        int end = start;
        int limit = (int) (tableOffset + tableSize);
        while (end < limit && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        b.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public List<Section> sections() {
        return sections;
    }

    /** The bytes of the first section of that name. */
    public Optional<ByteBuffer> section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) {
                return Optional.of(data.slice((int) s.offset(), (int) s.size()).order(ByteOrder.LITTLE_ENDIAN));
            }
        }
        return Optional.empty();
    }

    public boolean hasSection(String name) {
        return sections.stream().anyMatch(s -> s.name().equals(name));
    }

    /** Symbols of {@code .symtab} and {@code .dynsym} (a stripped program has only the latter). */
    public List<Symbol> symbols() throws MalformedFileException {
        List<Symbol> out = new ArrayList<>();
        for (Section s : sections) {
            if (s.type() != SHT_SYMTAB && s.type() != SHT_DYNSYM) {
                continue;
            }
            if (s.link() <= 0 || s.link() >= sections.size()) {
                throw new MalformedFileException(origin + ": symbol table " + s.name() + " has no string table");
            }
            Section str = sections.get(s.link());
            for (long at = s.offset(); at + SYMBOL <= s.offset() + s.size(); at += SYMBOL) {
                int p = (int) at;
                int info = data.get(p + 4) & 0xff;
                String name = cString(data, str.offset(), str.size(), data.getInt(p) & 0xffffffffL, origin);
                out.add(new Symbol(name, data.getLong(p + 8), data.getLong(p + 16), info & 0xf, info >>> 4,
                        data.getShort(p + 6) & 0xffff));
            }
        }
        return out;
    }

    /**
     * Where a defined symbol's code lies in the file (what uprobes attach to): its address relative
     * to its section, plus the section's file offset. Empty for symbols not in a section with bits.
     */
    public Optional<Long> fileOffset(Symbol sym) {
        int idx = sym.sectionIndex();
        if (idx <= 0 || idx >= sections.size()) { // SHN_UNDEF, or SHN_ABS/COMMON (>= 0xff00)
            return Optional.empty();
        }
        Section s = sections.get(idx);
        long rel = sym.value() - s.address();
        if (s.type() == SHT_NOBITS || rel < 0 || rel >= s.size()) {
            return Optional.empty();
        }
        return Optional.of(s.offset() + rel);
    }

    /** The GNU build id (hex) from {@code .note.gnu.build-id}, which names separate debug files. */
    public Optional<String> buildId() {
        Optional<ByteBuffer> note = section(".note.gnu.build-id");
        if (note.isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer n = note.get();
        if (n.limit() < 12) {
            return Optional.empty();
        }
        long nameSize = n.getInt(0) & 0xffffffffL;
        long descSize = n.getInt(4) & 0xffffffffL;
        long descAt = 12 + ((nameSize + 3) & ~3L);
        if (n.getInt(8) != 3 /* NT_GNU_BUILD_ID */ || descSize == 0 || descSize > 64 || descAt + descSize > n.limit()) {
            return Optional.empty();
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < descSize; i++) {
            hex.append(String.format("%02x", n.get((int) descAt + i) & 0xff));
        }
        return Optional.of(hex.toString());
    }

    /**
     * True when a NUL-terminated string table section (e.g. {@code .debug_str}) holds exactly this
     * string: a cheap way to learn that debug information names something without parsing DWARF.
     */
    public boolean stringTableContains(String sectionName, String value) {
        Optional<ByteBuffer> sec = section(sectionName);
        if (sec.isEmpty() || value.isEmpty()) {
            return false;
        }
        ByteBuffer b = sec.get();
        byte[] want = value.getBytes(StandardCharsets.UTF_8);
        int lim = b.limit();
        int start = 0;
        while (start < lim) {
            int end = start;
            while (end < lim && b.get(end) != 0) {
                end++;
            }
            if (end - start == want.length) {
                boolean same = true;
                for (int i = 0; i < want.length && same; i++) {
                    same = b.get(start + i) == want[i];
                }
                if (same) {
                    return true;
                }
            }
            start = end + 1;
        }
        return false;
    }
}
