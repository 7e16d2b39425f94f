package io.pkttrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Plugins the tests build like a third party (tests/src/it-plugins), and plugin directories made from the distribution's. */
final class TestPlugins {
    private TestPlugins() {
    }

    /** A new directory with the distribution's plugins, without those whose jar name contains one of {@code without}. */
    static Path distributionPlugins(Path dir, String... without) throws Exception {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(Cli.home().resolve("plugins"))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (Stream.of(without).noneMatch(name::contains)) {
                    Files.copy(p, dir.resolve(name));
                }
            }
        }
        return dir;
    }

    /** The testkit plugin (tests/src/it-plugins/testkit): slow and throwing sinks, a filter, the looptrace command. */
    static Path testkit(Path tmp) throws Exception {
        Path src = Cli.home().resolve("../../../tests/src/it-plugins/testkit").normalize();
        return build(tmp, src.resolve("java"), src.resolve("plugin.properties"), "testkit-1.0.0.jar");
    }

    /** A plugin with one extension whose constructor throws and one that works. */
    static Path broken(Path tmp) throws Exception {
        Path src = Cli.home().resolve("../../../tests/src/it-plugins/broken").normalize();
        return build(tmp, src.resolve("java"), src.resolve("plugin.properties"), "broken-1.0.0.jar");
    }

    /** Compiles {@code sources} as an outsider would ({@link PluginJarBuilder}) into a plugin jar in {@code tmp}. */
    static Path build(Path tmp, Path sources, Path pluginProperties, String jarName) throws Exception {
        return PluginJarBuilder.build(sources, pluginProperties, tmp, jarName);
    }

    /**
     * A copy of the whole distribution (bin, lib, plugins) with {@code extra} plugin jars added, its table of
     * plugin contributions made again as the build makes it: a distribution that bundles them.
     */
    static Path distributionWith(Path dir, Path... extra) throws Exception {
        Path home = Files.createDirectories(dir);
        for (String sub : List.of("bin", "lib")) {
            Path to = Files.createDirectories(home.resolve(sub));
            try (Stream<Path> s = Files.list(Cli.home().resolve(sub))) {
                for (Path p : s.toList()) {
                    if (!p.getFileName().toString().endsWith(".jsa")) {
                        Files.copy(p, to.resolve(p.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        Path plugins = distributionPlugins(home.resolve("plugins"));
        for (Path jar : extra) {
            Files.copy(jar, plugins.resolve(jar.getFileName()));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", home.resolve("lib") + "/*", "io.pkttrace.cli.ContributionTable",
                plugins.toString(), home.resolve("lib/plugin-contributions.tsv").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return home;
    }
}
