package io.pkttrace.cli;

import io.pkttrace.api.CommandPreset;
import io.pkttrace.api.ComponentFactory;
import io.pkttrace.core.plugins.Contribution;
import io.pkttrace.core.plugins.PluginRegistry;
import io.pkttrace.core.plugins.PluginTrust;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What the plugins bundled with the distribution contribute to the command line (short forms,
 * commands, defaults), written at build time to {@code lib/plugin-contributions.tsv}. The CLI reads it
 * only to say which plugin is missing when a short form, a command or a default is not available, so
 * the CLI's code names no plugin.
 */
public final class ContributionTable {
    static final String FILE = "plugin-contributions.tsv";

    /** One row: what, its name, the plugin, the component or description, the commands. */
    record Row(String what, String name, String plugin, String owner, String commands) {
    }

    private final List<Row> rows;

    private ContributionTable(List<Row> rows) {
        this.rows = rows;
    }

    /** The distribution's table, or an empty one (a build tree, a unit test). */
    static ContributionTable installed() {
        String home = System.getProperty("pkttrace.home");
        if (home == null) {
            return new ContributionTable(List.of());
        }
        return read(Path.of(home, "lib", FILE));
    }

    static ContributionTable read(Path file) {
        List<Row> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (!line.startsWith("#") && f.length == 5) {
                    rows.add(new Row(f[0], f[1], f[2], f[3], f[4]));
                }
            }
        } catch (IOException e) {
            // no table: messages are generic
        }
        return new ContributionTable(rows);
    }

    /** The rows for what the registry's plugins contribute. */
    static List<Row> of(PluginRegistry registry) {
        List<Row> out = new ArrayList<>();
        for (Contribution c : Contribution.all(registry)) {
            out.add(new Row("short-form", c.form().name(), c.plugin(), c.owner(), String.join(",", new TreeSet<>(c.form().commands()))));
        }
        for (String kind : List.of("probe", "filter", "enricher", "sink")) {
            for (ComponentFactory<?, ?> f : registry.factories(kind)) {
                if (!f.defaultUse().always() && !f.defaultUse().commands().isEmpty()) { // what "no X selected" is about
                    out.add(new Row("default", kind, registry.pluginOf(f), f.type(),
                            String.join(",", new TreeSet<>(f.defaultUse().commands()))));
                }
            }
        }
        for (CommandPreset p : registry.presets()) {
            out.add(new Row("command", p.name(), registry.pluginOf(p), p.description().replace('\t', ' '), p.name()));
        }
        return out;
    }

    private Optional<Row> find(String what, String name, PluginRegistry installed) {
        return rows.stream().filter(r -> r.what().equals(what) && r.name().equals(name))
                .filter(r -> installed == null || installed.plugins().stream().noneMatch(p -> p.id().equals(r.plugin())))
                .findFirst();
    }

    /** For an option or argument the command did not know: which missing plugin would have had it. */
    Optional<String> missingShortForm(String token, PluginRegistry installed) {
        String name = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
        return find("short-form", name, installed).map(r -> name + " comes from the plugin " + r.plugin() + " (" + r.owner()
                + "), which is not installed: add its jar to the plugin directory (pkttrace plugins lists what is installed)");
    }

    /** For an unknown command: the plugin that would add it. */
    Optional<String> missingCommand(String name, PluginRegistry installed) {
        return find("command", name, installed).map(r -> "the command '" + name + "' comes from the plugin " + r.plugin()
                + ", which is not installed: add its jar to the plugin directory (pkttrace plugins lists what is installed)");
    }

    /**
     * For a command without a component of a kind: the plugin whose component would be its default.
     *
     * @param canChoose the command has an option to choose a component of the kind
     */
    Optional<String> missingDefault(String kind, String command, boolean canChoose, PluginRegistry installed) {
        return rows.stream().filter(r -> r.what().equals("default") && r.name().equals(kind)
                        && List.of(r.commands().split(",")).contains(command))
                .filter(r -> installed == null || installed.plugins().stream().noneMatch(p -> p.id().equals(r.plugin())))
                .findFirst().map(r -> "no " + kind + " selected: " + command + " uses the " + r.owner() + " " + kind
                        + " by default, from the plugin " + r.plugin() + ", which is not installed: add its jar to the plugin"
                        + " directory" + (canChoose ? ", or choose a " + kind + " with --" + kind : "") + " (see pkttrace plugins)");
    }

    /** Writes the table of the plugins in {@code args[0]} (directories, colon-separated) to {@code args[1]}. */
    public static void main(String[] args) throws Exception {
        List<Path> dirs = new ArrayList<>();
        for (String d : args[0].split(":")) {
            dirs.add(Path.of(d));
        }
        // The build's own plugins, just built, read to write this table: the trust check is for a
        // privileged pkttrace loading what may have been planted, not for the build.
        PluginTrust.Policy own = new PluginTrust.Policy(PluginTrust.Users.ofThisProcess(), true, warning -> { });
        try (PluginRegistry registry = new PluginRegistry(dirs, own);
             PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[1])), false, StandardCharsets.UTF_8)) {
            out.println("# What the plugins bundled with this distribution contribute to the command line (generated"
                    + " at build time): pkttrace reads it only to say which plugin is missing.");
            out.println("# what\tname\tplugin\tcomponent or description\tcommands");
            for (Row r : of(registry)) {
                out.println(String.join("\t", r.what(), r.name(), r.plugin(), r.owner(), r.commands()));
            }
        }
    }
}
