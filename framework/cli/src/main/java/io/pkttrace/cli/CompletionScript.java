package io.pkttrace.cli;

import io.pkttrace.api.ComponentFactory;
import io.pkttrace.core.plugins.PluginRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Shell completion scripts made from the command line as it is after the plugins were added (their
 * commands and short forms), by picocli's AutoComplete. The component options ({@code --probe},
 * {@code --sink}, ...) complete to the component types the loaded plugins provide.
 */
final class CompletionScript {
    /** The shells a script can be made for. */
    static final List<String> SHELLS = List.of("bash", "zsh");

    /** Component option -> the kind of component its value names. */
    private static final Map<String, String> COMPONENT_OPTIONS =
            Map.of("--probe", "probe", "--filter", "filter", "--enrich", "enricher", "--sink", "sink");

    private static final String PICOCLI_ZSH_COMPOPT = "alias compopt=complete";

    private CompletionScript() {
    }

    /**
     * The script for {@code shell} (one of {@link #SHELLS}). picocli's script serves both shells (zsh
     * through its bashcompinit); for zsh it is an autoloadable {@code _pkttrace} that also completes
     * the call that loaded it.
     */
    static String of(String shell, CommandLine root, PluginRegistry registry) {
        addComponentCandidates(root, registry);
        String script = AutoComplete.bash(root.getCommandName(), root);
        if (shell.equals("bash")) {
            return script;
        }
        // zsh has no compopt, and picocli's alias to complete is not seen by the functions of an
        // autoloaded file (parsed before the alias exists): a no-op instead (its per-call options do not apply).
        String zsh = script.replace(PICOCLI_ZSH_COMPOPT, "compopt() { return 0; }");
        if (zsh.equals(script)) {
            throw new IllegalStateException("picocli's completion script changed: no '" + PICOCLI_ZSH_COMPOPT + "' to replace");
        }
        return "#compdef " + root.getCommandName() + "\n" + zsh
                + "\n# Autoloaded from fpath (as _" + root.getCommandName() + "): complete the word that loaded this file too.\n"
                + "if [[ -n \"$ZSH_VERSION\" && \"${funcstack[1]}\" == _" + root.getCommandName() + " ]]; then\n"
                + "  _bash_complete -F _complete_" + root.getCommandName() + "\n"
                + "fi\n";
    }

    /**
     * Gives each component option (in every command) the types of its kind as completion candidates.
     * Each also gets its own parameter label (SINK[:k=v,...]): picocli names the script's list of
     * candidates after the label, and options sharing one would all offer the last one's.
     */
    private static void addComponentCandidates(CommandLine cl, PluginRegistry registry) {
        CommandSpec spec = cl.getCommandSpec();
        // In the command's order (not the map's), so that the script is the same from run to run.
        for (OptionSpec option : List.copyOf(spec.options())) {
            String kind = COMPONENT_OPTIONS.get(option.longestName());
            if (kind != null) {
                List<String> types = registry.factories(kind).stream().map(ComponentFactory::type).sorted().toList();
                String label = kind.toUpperCase(Locale.ROOT) + "[:k=v,...]";
                spec.remove(option);
                spec.addOption(option.toBuilder().completionCandidates(types).paramLabel(label).build());
            }
        }
        cl.getSubcommands().values().forEach(sub -> addComponentCandidates(sub, registry));
    }
}
