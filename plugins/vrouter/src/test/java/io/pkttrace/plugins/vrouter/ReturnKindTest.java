package io.pkttrace.plugins.vrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pkttrace.api.PacketEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReturnKindTest {
    @Test
    void theRegisterIsCutToTheReturnTypesWidthAndSign() {
        ReturnKind i32 = new ReturnKind(ReturnKind.Kind.INTEGER, 4, true, Map.of(), "int");
        assertEquals(-1, i32.value(0xffffffffL));
        assertEquals(-22, i32.value(0xdeadbeef_ffffffeaL), "upper garbage ignored");
        ReturnKind u16 = new ReturnKind(ReturnKind.Kind.INTEGER, 2, false, Map.of(), "unsigned short");
        assertEquals(0xffff, u16.value(-1L));
        ReturnKind u8 = new ReturnKind(ReturnKind.Kind.INTEGER, 1, false, Map.of(), "bool");
        assertEquals(1, u8.value(0x101));
        assertEquals(-5L, ReturnKind.UNKNOWN.value(-5L));
    }

    @Test
    void enumsByNameAndVoidWithoutValue() {
        ReturnKind flow = new ReturnKind(ReturnKind.Kind.ENUM, 4, false, Map.of(0L, "FLOW_FORWARD", 2L, "FLOW_HOLD"), "flow_result_t");
        PacketEvent e = new PacketEvent();
        flow.apply(0x7f00000002L, e);
        assertEquals(2, e.returnValue());
        assertEquals("FLOW_HOLD", e.returnValueName());
        flow.apply(9, e.clear());
        assertNull(e.returnValueName(), "a value the enum does not name");
        new ReturnKind(ReturnKind.Kind.VOID, 0, false, Map.of(), "void").apply(1, e.clear());
        assertFalse(e.hasReturnValue());
    }
}
