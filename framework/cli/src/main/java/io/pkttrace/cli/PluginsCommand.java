package io.pkttrace.cli;

import io.pkttrace.api.ComponentFactory;
import io.pkttrace.core.plugins.PluginRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code pkttrace plugins}: what is installed, and the options of each extension. */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = "List plugins and their extensions.")
final class PluginsCommand implements Callable<Integer> {
    @ParentCommand
    PkttraceCommand root;

    @Override
    public Integer call() throws Exception {
        PluginRegistry reg = root.services().plugins();
        System.out.println("PLUGINS");
        for (PluginRegistry.PluginInfo p : reg.plugins()) {
            System.out.printf("  %-10s %-16s %s%n", p.id(), p.version(), p.path());
        }
        print(reg, "PROBES", reg.probes());
        print(reg, "FILTERS", reg.filters());
        print(reg, "ENRICHERS", reg.enrichers());
        print(reg, "SINKS", reg.sinks());
        return 0;
    }

    private static void print(PluginRegistry reg, String title, List<? extends ComponentFactory<?, ?>> factories) {
        System.out.println(title);
        if (factories.isEmpty()) {
            System.out.println("  (none)");
        }
        for (ComponentFactory<?, ?> f : factories) {
            System.out.printf("  %-14s [%s] %s%n", f.type(), reg.pluginOf(f), f.description());
            for (Map.Entry<String, String> o : new TreeMap<>(f.optionHelp()).entrySet()) {
                System.out.printf("      %-16s %s%n", o.getKey(), o.getValue());
            }
        }
    }
}
