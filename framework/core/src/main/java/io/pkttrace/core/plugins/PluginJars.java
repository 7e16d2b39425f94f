package io.pkttrace.core.plugins;

import io.pkttrace.api.PkttraceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Checks plugin files before PF4J sees them: PF4J only logs a broken jar and goes on, but a user
 * who dropped a file into plugins/ must learn at once that it is not a plugin.
 */
public final class PluginJars {
    private PluginJars() {
    }

    /** Plugin jars in a directory (sorted), each verified to carry a PF4J plugin descriptor. */
    public static List<Path> verifiedJars(Path dir) throws PkttraceException {
        List<Path> jars = jars(dir);
        for (Path jar : jars) {
            verify(jar);
        }
        return jars;
    }

    /** The {@code .jar} files of a plugin directory, sorted, unread. */
    public static List<Path> jars(Path dir) throws PkttraceException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new PkttraceException("plugin directory " + dir + " is not a directory",
                    "give the directory that holds the plugin jars");
        }
        if (Files.isSymbolicLink(dir) && !Files.exists(dir)) {
            throw new PkttraceException("plugin directory " + dir + " is a symbolic link that leads nowhere (a loop, or its target is gone)",
                    "give the directory that holds the plugin jars");
        }
        if (!Files.isDirectory(dir)) {
            throw new PkttraceException("plugin directory " + dir + " does not exist",
                    "create it or point PKTTRACE_PLUGINS at an existing directory");
        }
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (p.getFileName().toString().endsWith(".jar")) {
                    jars.add(p);
                }
            }
        } catch (IOException e) {
            throw new PkttraceException("cannot read plugin directory " + dir + " (" + e.getMessage() + ")", null);
        }
        return jars;
    }

    /** Fails unless the jar declares a plugin id (plugin.properties or the manifest's Plugin-Id). */
    public static String verify(Path jar) throws PkttraceException {
        String hint = "remove it from " + jar.getParent() + " or rebuild it as a PF4J plugin (see README, Writing a plugin)";
        try (JarFile jf = new JarFile(jar.toFile())) {
            var entry = jf.getEntry("plugin.properties");
            if (entry != null) {
                Properties props = new Properties();
                try (InputStream in = jf.getInputStream(entry)) {
                    props.load(in);
                }
                String id = props.getProperty("plugin.id");
                if (id != null && !id.isBlank()) {
                    return id.trim();
                }
            }
            var manifest = jf.getManifest();
            String id = manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Id");
            if (id != null && !id.isBlank()) {
                return id.trim();
            }
            throw new PkttraceException("plugin file " + jar + " is not a pkttrace plugin"
                    + " (no plugin.id in plugin.properties and no Plugin-Id in its manifest)", hint);
        } catch (IOException e) {
            throw new PkttraceException("plugin file " + jar + " is not a readable jar (" + e.getMessage() + ")", hint);
        }
    }
}
