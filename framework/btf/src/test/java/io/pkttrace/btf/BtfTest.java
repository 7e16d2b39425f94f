package io.pkttrace.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class BtfTest {
    /** struct pkt { void *head; unsigned short data; unsigned char type:4, prio:4; } and friends. */
    private static final class Sample {
        final BtfBuilder b = new BtfBuilder();
        final int u8 = b.intType("unsigned char", 1);
        final int u16 = b.intType("unsigned short", 2);
        final int vp = b.ptr(0);
        final int pkt = b.struct("pkt", 16, "head", vp, 0, 0, "data", u16, 64, 0, "type", u8, 80, 4, "prio", u8, 84, 4);
        final int pktPtr = b.ptr(pkt);
        final int pktPtrPtr = b.ptr(pktPtr);
        final int alias = b.typedef("pkt_t", b.constOf(pkt));
        final int aliasPtr = b.ptr(alias);
        final int result = b.enumType("flow_result_t", false, "FLOW_FORWARD", 0, "FLOW_DROP", 1, "FLOW_HOLD", 2);
        final int proto = b.proto(result, "router", vp, "pkt", pktPtr, "ppkt", pktPtrPtr);
        final int fn = b.func("vr_flow_forward", proto);
        final int arr = b.array(u8, u16, 6);
        final int neg = b.enumType("sgn", true, "MINUS", -3);
        final int big = b.enum64("wide", "HUGE", 1L << 40);
        final Btf btf;

        Sample() throws Exception {
            btf = Btf.parse(b.build());
        }
    }

    @Test
    void readsStructsWithBitfieldsFunctionsAndEnums() throws Exception {
        Sample s = new Sample();
        Btf btf = s.btf;
        assertEquals(s.pkt, btf.find("pkt", BtfKind.STRUCT));
        assertEquals(-1, btf.find("pkt", BtfKind.UNION));
        assertEquals(16, btf.sizeOf(s.pkt));
        assertEquals(List.of(new Btf.Member("head", s.vp, 0, 0), new Btf.Member("data", s.u16, 64, 0),
                new Btf.Member("type", s.u8, 80, 4), new Btf.Member("prio", s.u8, 84, 4)), btf.members(s.pkt));
        assertEquals(8, btf.members(s.pkt).get(1).byteOffset());
        assertEquals(List.of("router", "pkt", "ppkt"), btf.params(s.fn).stream().map(Btf.Param::name).toList());
        assertEquals(s.result, btf.returnType(s.fn));
        assertEquals(new Btf.PointerTo(1, s.pkt), btf.pointerTo(s.pktPtr));
        assertEquals(new Btf.PointerTo(2, s.pkt), btf.pointerTo(s.pktPtrPtr));
        assertEquals(new Btf.PointerTo(1, s.pkt), btf.pointerTo(s.aliasPtr), "typedef and const are looked through");
        assertEquals(List.of(new Btf.EnumValue("FLOW_FORWARD", 0), new Btf.EnumValue("FLOW_DROP", 1),
                new Btf.EnumValue("FLOW_HOLD", 2)), btf.enumValues(s.result));
        assertEquals(-3, btf.enumValues(s.neg).get(0).value());
        assertEquals(1L << 40, btf.enumValues(s.big).get(0).value());
        assertEquals(6, btf.sizeOf(s.arr));
        assertEquals(16, btf.sizeOf(s.alias));
    }

    @Test
    void tellsSignedFromUnsigned() throws Exception {
        BtfBuilder b = new BtfBuilder();
        int u = b.intType("unsigned int", 4);
        int i = b.signedIntType("int", 4);
        int alias = b.typedef("s32", b.constOf(i));
        int e = b.enumType("e", false, "A", 1);
        int se = b.enumType("se", true, "B", -1);
        Btf btf = Btf.parse(b.build());
        assertTrue(btf.isSigned(i));
        assertTrue(btf.isSigned(alias), "through typedef and const");
        assertTrue(btf.isSigned(se));
        assertTrue(!btf.isSigned(u) && !btf.isSigned(e));
    }

    @Test
    void spellsTypesAsC() throws Exception {
        Sample s = new Sample();
        assertEquals("struct pkt *", s.btf.typeName(s.pktPtr));
        assertEquals("struct pkt **", s.btf.typeName(s.pktPtrPtr));
        assertEquals("pkt_t *", s.btf.typeName(s.aliasPtr));
        assertEquals("enum flow_result_t", s.btf.typeName(s.result));
        assertEquals("void *", s.btf.typeName(s.vp));
        assertEquals("unsigned short", s.btf.typeName(s.u16));
    }

    @Test
    void splitBtfContinuesTheBaseIdsAndStrings() throws Exception {
        Sample s = new Sample();
        ByteBuffer baseBytes = s.b.build();
        int baseStrings = baseBytes.getInt(20);
        BtfBuilder m = new BtfBuilder(s.btf.typeCount(), baseStrings);
        int modStruct = m.struct("vr_packet", 8, "vp_head", s.vp, 0, 0);
        Btf module = Btf.parse(m.build(), s.btf);
        assertEquals(s.btf.typeCount() + 1, module.typeCount());
        assertEquals(modStruct, module.find("vr_packet", BtfKind.STRUCT));
        assertEquals(s.pkt, module.find("pkt", BtfKind.STRUCT), "base types are found through the module");
        assertEquals("void *", module.typeName(module.members(modStruct).get(0).type()));
    }

    @Test
    void refusesWhatIsNotBtf() {
        assertThrows(MalformedFileException.class, () -> Btf.parse(ByteBuffer.wrap(new byte[10])));
        ByteBuffer bad = new Sample0().bytes();
        bad.putShort(0, (short) 0x1234);
        assertThrows(MalformedFileException.class, () -> Btf.parse(bad));
        ByteBuffer outside = new Sample0().bytes();
        outside.putInt(12, 1 << 20); // type_len past the end
        assertThrows(MalformedFileException.class, () -> Btf.parse(outside));
        ByteBuffer version = new Sample0().bytes();
        version.put(2, (byte) 2);
        assertThrows(MalformedFileException.class, () -> Btf.parse(version));
    }

    @Test
    void refusesUnknownKindsAndCutRecords() throws Exception {
        BtfBuilder b = new BtfBuilder();
        b.intType("int", 4);
        b.unknownKind(31);
        assertThrows(MalformedFileException.class, () -> Btf.parse(b.build()));
        ByteBuffer whole = new Sample0().bytes();
        int typeLen = whole.getInt(12);
        ByteBuffer cut = whole.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        cut.putInt(12, typeLen - 2); // the last record ends inside the type section
        assertThrows(MalformedFileException.class, () -> Btf.parse(cut));
    }

    @Test
    void badIdsAndStringOffsetsAreErrorsNotGarbage() throws Exception {
        Sample s = new Sample();
        assertThrows(IllegalArgumentException.class, () -> s.btf.kind(s.btf.typeCount()));
        assertThrows(IllegalArgumentException.class, () -> s.btf.members(0));
        assertThrows(IllegalArgumentException.class, () -> s.btf.members(s.u8));
        BtfBuilder b = new BtfBuilder();
        b.intType("x", 4);
        ByteBuffer blob = b.build();
        blob.putInt(24, 4096); // the type's name offset points past the strings
        Btf btf = Btf.parse(blob);
        assertThrows(IllegalArgumentException.class, () -> btf.name(1));
    }

    @Test
    void typedefLoopsAreDetected() throws Exception {
        BtfBuilder b = new BtfBuilder();
        b.typedef("a", 2);
        b.typedef("b", 1);
        Btf btf = Btf.parse(b.build());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> btf.skipModifiers(1)).getMessage().contains("loop"));
    }

    /** A one-int BTF blob. */
    private static final class Sample0 {
        ByteBuffer bytes() {
            BtfBuilder b = new BtfBuilder();
            b.intType("int", 4);
            return b.build();
        }
    }
}
