package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds a plugin jar the way an outsider would: javac against the distribution's api and pf4j jars
 * only (no pkttrace build), PF4J's annotation processor writing extensions.idx.
 */
final class PluginJarBuilder {
    private PluginJarBuilder() {
    }

    /**
     * @param sources    a directory of .java files (walked)
     * @param properties the plugin.properties to include
     * @param work       a scratch directory
     */
    static Path build(Path sources, Path properties, Path work, String jarName) throws Exception {
        Path lib = Cli.home().resolve("lib");
        String cp;
        try (Stream<Path> s = Files.list(lib)) {
            cp = String.join(":", s.filter(p -> p.getFileName().toString().matches("(pkttrace-api|pf4j|slf4j-api)-.*\\.jar"))
                    .map(Path::toString).toList());
        }
        Path classes = Files.createDirectories(work.resolve("classes-" + jarName));
        List<String> javac = new ArrayList<>(List.of("javac", "--release", "17", "-cp", cp, "-d", classes.toString()));
        try (Stream<Path> s = Files.walk(sources)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> javac.add(p.toString()));
        }
        Process p = new ProcessBuilder(javac).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        Files.copy(properties, classes.resolve("plugin.properties"));
        assertTrue(Files.exists(classes.resolve("META-INF/extensions.idx")), "pf4j's annotation processor ran");
        Path jar = work.resolve(jarName);
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> s = Files.walk(classes)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return jar;
    }
}
