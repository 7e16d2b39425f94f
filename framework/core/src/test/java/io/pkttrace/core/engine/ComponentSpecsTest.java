package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pkttrace.api.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComponentSpecsTest {
    @Test
    void typeAlone() throws Exception {
        TraceSpec.Component c = ComponentSpecs.parse("probe", "netpath");
        assertEquals("netpath", c.type());
        assertEquals(0, c.options().keys().size());
    }

    @Test
    void commaContinuesAValue() throws Exception {
        TraceSpec.Component c = ComponentSpecs.parse("probe", "netpath:hooks=tx,rx,mode=x");
        assertEquals(List.of("tx,rx"), c.options().all("hooks"));
        assertEquals(List.of("x"), c.options().all("mode"));
    }

    @Test
    void emptyIsAnError() {
        assertThrows(ConfigException.class, () -> ComponentSpecs.parse("sink", ""));
        assertThrows(ConfigException.class, () -> ComponentSpecs.parse("sink", ":a=b"));
    }
}
