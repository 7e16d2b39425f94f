package io.pkttrace.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.ComponentFactory;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 4: a plugin whose extension throws in its constructor. A real plugin jar is made
 * from the classes below (not indexed on the test class path, so only the jar offers them).
 */
class ExtensionFailureTest {
    /** An extension that cannot be created. */
    public static final class ThrowingSinkFactory extends GoodSinkFactory {
        public ThrowingSinkFactory() {
            throw new IllegalStateException("no database at /var/lib/x");
        }
    }

    /** A good extension of the same plugin. */
    public static class GoodSinkFactory implements SinkFactory<Object> {
        @Override
        public String type() {
            return "good";
        }

        @Override
        public String description() {
            return "works";
        }

        @Override
        public Object configure(Options options) {
            return null;
        }

        @Override
        public Sink create(Object config) {
            return (PacketEvent e) -> { };
        }
    }

    @TempDir
    Path dir;

    private static byte[] classBytes(Class<?> c) throws Exception {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private void plugin(String id, List<String> indexed, Class<?>... classes) throws Exception {
        try (OutputStream o = Files.newOutputStream(dir.resolve(id + ".jar")); JarOutputStream j = new JarOutputStream(o)) {
            j.putNextEntry(new JarEntry("plugin.properties"));
            j.write(("plugin.id=" + id + "\nplugin.version=1.0.0\nplugin.requires=*\n").getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            j.write((String.join("\n", indexed) + "\n").getBytes(StandardCharsets.UTF_8));
            for (Class<?> c : classes) {
                j.putNextEntry(new JarEntry(c.getName().replace('.', '/') + ".class"));
                j.write(classBytes(c));
            }
        }
    }

    @Test
    void aThrowingConstructorIsOneLineNamingPluginAndClassAndTheOthersLoad() throws Exception {
        plugin("broken", List.of(ThrowingSinkFactory.class.getName(), GoodSinkFactory.class.getName(), "com.example.Missing"),
                ThrowingSinkFactory.class, GoodSinkFactory.class);
        plugin("fine", List.of(GoodSinkFactory.class.getName()), GoodSinkFactory.class);
        try (PluginRegistry r = new PluginRegistry(List.of(dir))) {
            assertEquals(List.of("good", "good"), r.sinks().stream().map(ComponentFactory::type).toList(),
                    "the good extension of the broken plugin and of the other plugin");
            List<String> f = r.failures();
            assertEquals(2, f.size(), f.toString());
            String expected = "plugin broken: extension " + ThrowingSinkFactory.class.getName() + " cannot be created:"
                    + " IllegalStateException: no database at /var/lib/x at " + ThrowingSinkFactory.class.getName()
                    + ".<init>(ExtensionFailureTest.java:LINE): the other extensions are loaded; fix or remove the plugin";
            assertEquals(expected, f.get(0).replaceAll("java:\\d+\\)", "java:LINE)"));
            assertTrue(f.get(1).startsWith("plugin broken: extension com.example.Missing cannot be loaded (java.lang.ClassNotFoundException"),
                    f.get(1));
            f.forEach(line -> assertTrue(!line.contains("\n"), "one line: " + line));
        }
    }
}
