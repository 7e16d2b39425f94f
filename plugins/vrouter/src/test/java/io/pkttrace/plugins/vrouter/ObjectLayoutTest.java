package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract between vrouter.bpf.c and Java comes from the compiled object's BTF; mismatches are named. */
class ObjectLayoutTest {
    static byte[] object() throws Exception {
        try (InputStream in = ObjectLayoutTest.class.getResourceAsStream(VrouterProbe.OBJECT)) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsStructsEnumsAndMapsFromTheObjectsBtf() throws Exception {
        ObjectLayout l = ObjectLayout.of(object());
        ObjectLayout.Struct ev = l.struct("pt_vr_event");
        assertEquals(0, ev.offset("ts_ns", 8));
        assertEquals(ev.offset("inner", 48) + l.struct("pt_vr_tuple").offset("saddr", 16), ev.offset("inner.saddr", 16),
                "nested fields have offsets from the outermost struct");
        assertEquals(2, l.enumValue("pt_vr_kind", "PT_VR_RETURN"));
        assertEquals(8192, l.mapMaxEntries("pt_vr_funcs"));
        assertTrue(l.mapNames().containsAll(List.of("pt_events", "pt_counters", "pt_filter", "pt_vr_funcs", "pt_vr_config",
                "pt_vr_threads", "pt_vr_packets", "pt_vr_stats")), l.mapNames().toString());
        new VrouterRecordDecoder(l, List.of()); // every field the decoder reads exists with the size it reads
        byte[] cfg = l.struct("pt_vr_config").writer().u32("vp_type", 39).bytes();
        assertEquals(l.struct("pt_vr_config").size(), cfg.length);
    }

    @Test
    void aMismatchNamesTheField() throws Exception {
        ObjectLayout l = ObjectLayout.of(object());
        String missing = assertThrows(IllegalStateException.class, () -> l.struct("pt_vr_event").offset("vp_colour", 1)).getMessage();
        assertTrue(missing.contains("struct pt_vr_event has no field 'vp_colour'"), missing);
        String size = assertThrows(IllegalStateException.class, () -> l.struct("pt_vr_event").offset("vp_type", 4)).getMessage();
        assertTrue(size.contains("field 'vp_type' is 1 bytes, expected 4"), size);
        String nested = assertThrows(IllegalStateException.class, () -> l.struct("pt_vr_event").offset("inner.colour", 1)).getMessage();
        assertTrue(nested.contains("struct pt_vr_tuple has no field 'colour'"), nested);
        String enumValue = assertThrows(IllegalStateException.class, () -> l.enumValue("pt_vr_kind", "PT_VR_SIDEWAYS")).getMessage();
        assertTrue(enumValue.contains("PT_VR_SIDEWAYS"), enumValue);
        assertThrows(IllegalStateException.class, () -> l.struct("pt_vr_nothing"));
    }
}
