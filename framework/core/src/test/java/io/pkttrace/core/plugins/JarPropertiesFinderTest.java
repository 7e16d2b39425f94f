package io.pkttrace.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PropertiesPluginDescriptorFinder;

/** The jar's plugin.properties read as a JarFile give the descriptor PF4J's own reader gives. */
class JarPropertiesFinderTest {
    @TempDir
    Path dir;

    private Path jar(String name, String properties) throws Exception {
        Path p = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(o)) {
            j.putNextEntry(new JarEntry("x/Y.class"));
            if (properties != null) {
                j.putNextEntry(new JarEntry("plugin.properties"));
                j.write(properties.getBytes(StandardCharsets.UTF_8));
            }
        }
        return p;
    }

    @Test
    void sameDescriptorAsPf4jsReader() throws Exception {
        Path p = jar("a.jar", "plugin.id=a\nplugin.version=1.2.3\nplugin.description=d \\u00e9\nplugin.requires=*\n"
                + "plugin.provider=me\nplugin.dependencies=b@>=1.0\nplugin.license=MIT\nplugin.class=x.Y\n");
        PluginDescriptor ours = new JarPropertiesFinder().find(p);
        PluginDescriptor pf4j = new PropertiesPluginDescriptorFinder().find(p);
        assertEquals(pf4j, ours);
        assertEquals("d é", ours.getPluginDescription());
    }

    @Test
    void aJarWithoutPropertiesFailsSoTheManifestIsTried() throws Exception {
        Path p = jar("b.jar", null);
        assertThrows(PluginRuntimeException.class, () -> new PropertiesPluginDescriptorFinder().find(p));
        assertThrows(PluginRuntimeException.class, () -> new JarPropertiesFinder().find(p));
    }
}
