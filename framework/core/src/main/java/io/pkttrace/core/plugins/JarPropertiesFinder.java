package io.pkttrace.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PropertiesPluginDescriptorFinder;

/**
 * PF4J's {@code plugin.properties} reader, with a jar read as a {@link JarFile}: PF4J opens it as a zip
 * file system, whose first use costs ~15-20 ms of a cold start (the zip file-system provider, and the
 * time-zone rules it loads to convert entry times) for one small file per plugin. Same file, same
 * properties, same failure when the jar has none (PF4J then tries the manifest).
 */
final class JarPropertiesFinder extends PropertiesPluginDescriptorFinder {
    @Override
    protected Properties readProperties(Path pluginPath) {
        if (Files.isDirectory(pluginPath)) {
            return super.readProperties(pluginPath);
        }
        try (JarFile jar = new JarFile(pluginPath.toFile())) {
            ZipEntry entry = jar.getEntry(propertiesFileName);
            if (entry == null) {
                throw new PluginRuntimeException("Cannot find '{}' in '{}'", propertiesFileName, pluginPath);
            }
            Properties properties = new Properties();
            try (InputStream in = jar.getInputStream(entry)) {
                properties.load(in);
            }
            return properties;
        } catch (IOException e) {
            throw new PluginRuntimeException(e);
        }
    }
}
