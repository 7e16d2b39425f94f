package io.pkttrace.core.plugins;

import io.pkttrace.api.CommandPreset;
import io.pkttrace.api.ComponentFactory;
import io.pkttrace.api.Option;
import io.pkttrace.api.ShortForm;
import java.util.ArrayList;
import java.util.List;

/**
 * A command-line short form as an installed plugin contributes it, with its owner: the component
 * (kind and type) and, for a short form of an option, the option.
 *
 * @param form      the declaration
 * @param kind      {@code probe}, {@code filter}, {@code enricher} or {@code sink}: the owner's kind, or
 *                  for {@link ShortForm.Kind#SELECTS} the kind of what it selects
 * @param type      the owner's type, or what a {@link ShortForm.Kind#SELECTS} selects (its spec)
 * @param option    the option it sets, or null for items and selects
 * @param itemsName the owner's items short form ({@code -a}) if it has one: implicit instances are named after it
 * @param plugin    the contributing plugin's id ({@code builtin} for the host's own)
 */
public record Contribution(ShortForm form, String kind, String type, Option<?> option, String itemsName, String plugin) {
    /** Every short form of every installed component and command preset. */
    public static List<Contribution> all(PluginRegistry registry) {
        List<Contribution> out = new ArrayList<>();
        for (String kind : List.of("probe", "filter", "enricher", "sink")) {
            for (ComponentFactory<?, ?> f : registry.factories(kind)) {
                List<io.pkttrace.api.ShortForm> items = f.options().itemsShortForms();
                String itemsName = items.isEmpty() ? null : items.get(0).name();
                for (ShortForm s : items) {
                    out.add(new Contribution(s, kind, f.type(), null, itemsName, registry.pluginOf(f)));
                }
                for (Option<?> o : f.options().options()) {
                    for (ShortForm s : o.shortForms()) {
                        out.add(new Contribution(s, kind, f.type(), o, itemsName, registry.pluginOf(f)));
                    }
                }
            }
        }
        for (CommandPreset p : registry.presets()) {
            for (ShortForm s : p.shortForms()) {
                out.add(new Contribution(s.kind() == ShortForm.Kind.SELECTS && s.commands().equals(ShortForm.DEFAULT_COMMANDS)
                        ? s.in(p.name()) : s, s.selectsKind(), s.selectsSpec(), null, null, registry.pluginOf(p)));
            }
        }
        return out;
    }

    /** The short forms a command offers; a preset also offers trace's. */
    public static List<Contribution> forCommand(PluginRegistry registry, String command, boolean isPreset) {
        return all(registry).stream().filter(c -> c.form().availableIn(command, isPreset)).toList();
    }

    /** How messages name the owner, e.g. {@code filter fivetuple}. */
    public String owner() {
        return kind + " " + type;
    }
}
