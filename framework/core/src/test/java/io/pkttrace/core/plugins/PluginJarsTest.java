package io.pkttrace.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginJarsTest {
    @TempDir
    Path dir;

    private Path jar(String name, String properties, String manifestId) throws Exception {
        Path p = dir.resolve(name);
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (manifestId != null) {
            m.getMainAttributes().putValue("Plugin-Id", manifestId);
        }
        try (OutputStream o = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(o, m)) {
            if (properties != null) {
                j.putNextEntry(new JarEntry("plugin.properties"));
                j.write(properties.getBytes());
                j.closeEntry();
            }
        }
        return p;
    }

    @Test
    void acceptsPropertiesOrManifest() throws Exception {
        assertEquals("a", PluginJars.verify(jar("a.jar", "plugin.id=a\nplugin.version=1\n", null)));
        assertEquals("b", PluginJars.verify(jar("b.jar", null, "b")));
        assertEquals(2, PluginJars.verifiedJars(dir).size());
    }

    @Test
    void rejectsAJarWithoutDescriptorInOneLine() throws Exception {
        jar("good.jar", "plugin.id=good\n", null);
        jar("not-a-plugin.jar", null, null);
        PkttraceException e = assertThrows(PkttraceException.class, () -> PluginJars.verifiedJars(dir));
        assertTrue(e.getMessage().contains("not-a-plugin.jar is not a pkttrace plugin"), e.getMessage());
        assertTrue(e.userLine().lines().count() == 1);
    }

    @Test
    void rejectsAFileThatIsNotAJar() throws Exception {
        Files.writeString(dir.resolve("junk.jar"), "hello");
        PkttraceException e = assertThrows(PkttraceException.class, () -> PluginJars.verifiedJars(dir));
        assertTrue(e.getMessage().contains("is not a readable jar"), e.getMessage());
    }

    @Test
    void missingDirectoryIsAUserError() {
        PkttraceException e = assertThrows(PkttraceException.class, () -> PluginJars.verifiedJars(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"));
    }

    @Test
    void aSymbolicLinkLoopIsNotCalledMissing() throws Exception {
        Files.createSymbolicLink(dir.resolve("a"), dir.resolve("b"));
        Files.createSymbolicLink(dir.resolve("b"), dir.resolve("a"));
        PkttraceException e = assertThrows(PkttraceException.class, () -> PluginJars.verifiedJars(dir.resolve("a")));
        assertEquals("plugin directory " + dir.resolve("a") + " is a symbolic link that leads nowhere (a loop, or its target is gone)",
                e.getMessage());
    }
}
