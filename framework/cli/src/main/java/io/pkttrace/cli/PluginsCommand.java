package io.pkttrace.cli;

import io.pkttrace.api.CommandPreset;
import io.pkttrace.api.ComponentFactory;
import io.pkttrace.api.DefaultUse;
import io.pkttrace.api.Option;
import io.pkttrace.api.ShortForm;
import io.pkttrace.core.plugins.Contribution;
import io.pkttrace.core.plugins.PluginRegistry;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code pkttrace plugins}: what is installed, and each extension's options, short forms and defaults, from their declarations. */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = "List plugins and their extensions.")
final class PluginsCommand implements Callable<Integer> {
    @ParentCommand
    PkttraceCommand root;

    @Override
    public Integer call() throws Exception {
        PluginRegistry reg = root.registry();
        System.out.println("PLUGINS");
        for (PluginRegistry.PluginInfo p : reg.plugins()) {
            System.out.printf("  %-10s %-16s %s%n", p.id(), p.version(), p.path());
        }
        print(reg, "PROBES", reg.probes());
        print(reg, "FILTERS", reg.filters());
        print(reg, "ENRICHERS", reg.enrichers());
        print(reg, "SINKS", reg.sinks());
        System.out.println("SHORT FORMS");
        List<Contribution> forms = Contribution.all(reg);
        if (forms.isEmpty()) {
            System.out.println("  (none)");
        }
        for (Contribution c : forms) {
            ShortForm f = c.form();
            String target = f.kind() == ShortForm.Kind.SELECTS ? "selects " + c.kind() + " " + c.type()
                    : c.owner() + (c.option() == null ? " options" : " " + c.option().key());
            System.out.printf("  %-22s [%s] %s: %s (in %s)%n", f + (f.kind() == ShortForm.Kind.ITEMS ? "..." : ""), c.plugin(),
                    target, f.help(), String.join(", ", new TreeSet<>(f.commands())));
        }
        System.out.println("COMMANDS");
        if (reg.presets().isEmpty()) {
            System.out.println("  (none)");
        }
        for (CommandPreset p : reg.presets()) {
            System.out.printf("  %-14s [%s] %s (probes: %s)%n", p.name(), reg.pluginOf(p), p.description(), String.join(", ", p.probes()));
        }
        return root.extensionFailed() ? Main.EXIT_COMPONENT_FAILED : 0;
    }

    private static void print(PluginRegistry reg, String title, List<? extends ComponentFactory<?, ?>> factories) {
        System.out.println(title);
        if (factories.isEmpty()) {
            System.out.println("  (none)");
        }
        for (ComponentFactory<?, ?> f : factories) {
            System.out.printf("  %-14s [%s] %s%s%n", f.type(), reg.pluginOf(f), f.description(), defaults(f.defaultUse()));
            for (Option<?> o : f.options().options()) {
                System.out.printf("      %-16s %s%n", o.key(), o.describe());
            }
        }
    }

    private static String defaults(DefaultUse d) {
        if (d.withProbe() != null) {
            return " (runs with the " + d.withProbe() + " probe)";
        }
        if (d.commands().isEmpty()) {
            return "";
        }
        return (d.always() ? " (always on in " : " (default in ") + String.join(", ", new TreeSet<>(d.commands()))
                + (d.options().isEmpty() ? "" : ", there with " + String.join(",", d.options())) + ")";
    }
}
