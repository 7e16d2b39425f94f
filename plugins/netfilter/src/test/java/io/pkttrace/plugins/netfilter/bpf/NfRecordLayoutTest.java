package io.pkttrace.plugins.netfilter.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code struct pt_nf_record} in the compiled object's BTF (the C side) against {@link NfRecord}
 * (the Java side): a field moved in C fails here, by name.
 */
class NfRecordLayoutTest {
    @Test
    void javaOffsetsAreThoseOfTheCompiledStruct() throws Exception {
        Path obj = Path.of("target/classes/bpf/netfilter.bpf.o");
        assertTrue(Files.isReadable(obj), "the build compiles " + obj.toAbsolutePath());
        Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", obj.toString(), "format", "raw")
                .redirectErrorStream(true).start();
        String btf = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), btf);
        Matcher s = Pattern.compile("STRUCT 'pt_nf_record' size=(\\d+) vlen=(\\d+)\\n((?:\\t.*\\n)+)").matcher(btf);
        assertTrue(s.find(), "struct pt_nf_record is in the object's BTF");
        assertEquals(NfRecord.SIZE, Integer.parseInt(s.group(1)), "struct size");
        Map<String, Integer> c = new HashMap<>();
        Matcher m = Pattern.compile("'(\\w+)' type_id=\\d+ bits_offset=(\\d+)").matcher(s.group(3));
        while (m.find()) {
            c.put(m.group(1), Integer.parseInt(m.group(2)) / 8);
        }
        for (Map.Entry<String, Integer> f : NfRecord.FIELDS.entrySet()) {
            assertTrue(c.containsKey(f.getKey()), "field " + f.getKey() + " is not in the C struct");
            assertEquals(c.get(f.getKey()), f.getValue(), "offset of field " + f.getKey());
        }
        for (String field : c.keySet()) {
            assertTrue(field.startsWith("_pad") || NfRecord.FIELDS.containsKey(field), "C field " + field + " is not read by Java");
        }
        Matcher slot = Pattern.compile("STRUCT 'pt_nf_slot' size=\\d+ vlen=2\\n\\t'r' type_id=\\d+ bits_offset=0\\n"
                + "\\t'data' type_id=\\d+ bits_offset=(\\d+)").matcher(btf);
        assertTrue(slot.find(), "struct pt_nf_slot: the record, then the packet's bytes");
        assertEquals(NfRecord.DATA, Integer.parseInt(slot.group(1)) / 8, "the packet's bytes follow the record");
    }
}
