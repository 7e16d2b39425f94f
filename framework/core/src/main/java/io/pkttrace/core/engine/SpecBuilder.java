package io.pkttrace.core.engine;

import io.pkttrace.api.CommandPreset;
import io.pkttrace.api.ComponentFactory;
import io.pkttrace.api.ConfigException;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.ShortForm;
import io.pkttrace.core.plugins.Contribution;
import io.pkttrace.core.plugins.PluginRegistry;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a command runs, from what the user chose ({@code --probe}, {@code --filter}, ...), the short
 * forms they used, the command preset, and the defaults the plugins declare: the CLI itself names no
 * plugin. The rules:
 * <ul>
 *   <li>A kind the user (or a preset, or a selecting short form) chose nothing of gets the components
 *       declared {@link io.pkttrace.api.DefaultUse#whenNoneChosen default} for the command (a preset
 *       counts as {@code trace}; its own {@link CommandPreset#sinks()} come first); components declared
 *       {@link io.pkttrace.api.DefaultUse#always always} come first in any case.</li>
 *   <li>A filter's or enricher's short forms build one instance of their own, named after the
 *       component's items short form (e.g. {@code filter fivetuple (-a)}).</li>
 *   <li>A probe's or sink's option short form sets the option on every chosen instance of that type
 *       that does not set it; when none is chosen it selects the component, unless the user chose
 *       other components of the kind, which is an error.</li>
 * </ul>
 */
public final class SpecBuilder {
    private static final List<String> KINDS = List.of("probe", "filter", "enricher", "sink");
    /** The option by which sinks name the file they write (the sinks plugin's OutputTarget, and the README's convention). */
    private static final String OUTPUT_KEY = "output";

    /** A command that needs a component of a kind none of which is installed as its default. */
    public static final class MissingDefaultException extends ConfigException {
        private static final long serialVersionUID = 1L;
        private final String kind;
        private final String command;

        MissingDefaultException(String kind, String command) {
            super("no " + kind + " selected", "choose one with --" + kind + " (see pkttrace plugins)");
            this.kind = kind;
            this.command = command;
        }

        public String kind() {
            return kind;
        }

        /** The command whose defaults apply ({@code trace} for a preset). */
        public String command() {
            return command;
        }
    }

    /** The values a short form was given, in command-line order ({@code true} for a flag or a selection). */
    public record Use(Contribution contribution, List<String> values) {
        public Use {
            values = List.copyOf(values);
        }
    }

    private final PluginRegistry registry;
    private final String defaultsOf;
    private final CommandPreset preset;
    private final Map<String, List<TraceSpec.Component>> chosen = new LinkedHashMap<>();
    private final List<Use> uses = new ArrayList<>();

    /**
     * @param command the command, e.g. {@code trace}, {@code ping}, {@code replay}
     * @param preset  the preset the command is, or null
     */
    public SpecBuilder(PluginRegistry registry, String command, CommandPreset preset) throws ConfigException {
        // A preset's own probes: its sources of events, fixed.
        this.registry = registry;
        this.preset = preset;
        this.defaultsOf = preset != null ? "trace" : command;
        for (String kind : KINDS) {
            chosen.put(kind, new ArrayList<>());
        }
        if (preset != null) {
            chosen.get("probe").addAll(ComponentSpecs.parseAll("probe", preset.probes()));
        }
    }

    /** The user's own choices of a kind: {@code TYPE} or {@code TYPE:key=value,...} each. */
    public SpecBuilder choose(String kind, List<String> specs) throws ConfigException {
        chosen.get(kind).addAll(ComponentSpecs.parseAll(kind, specs));
        return this;
    }

    /** Values given to a short form. */
    public SpecBuilder use(Contribution c, List<String> values) {
        if (!values.isEmpty()) {
            uses.add(new Use(c, values));
        }
        return this;
    }

    /**
     * The components to run.
     *
     * @param requireProbe whether the command needs a probe (not replay)
     */
    public TraceSpec build(EngineSettings settings, boolean requireProbe) throws ConfigException {
        Map<String, List<TraceSpec.Component>> out = new LinkedHashMap<>();
        Map<String, Boolean> explicit = new LinkedHashMap<>();
        for (String kind : KINDS) {
            out.put(kind, new ArrayList<>(chosen.get(kind)));
            explicit.put(kind, !chosen.get(kind).isEmpty());
        }
        for (Use u : uses) {
            if (u.contribution().form().kind() == ShortForm.Kind.SELECTS) {
                out.get(u.contribution().kind()).add(ComponentSpecs.parse(u.contribution().kind(), u.contribution().type()));
                explicit.put(u.contribution().kind(), true);
            }
        }
        applyToChosen(out, explicit);
        for (String kind : KINDS) {
            List<TraceSpec.Component> list = out.get(kind);
            if (list.isEmpty()) {
                if (kind.equals("sink") && preset != null && !preset.sinks().isEmpty()) {
                    list.addAll(ComponentSpecs.parseAll("sink", preset.sinks()));
                } else {
                    list.addAll(defaults(kind, false));
                }
            }
            // What is always on only goes next to a choice or a default: it never stands in for one.
            if (list.isEmpty() && (kind.equals("sink") || (kind.equals("probe") && requireProbe))) {
                throw new MissingDefaultException(kind, defaultsOf);
            }
            list.addAll(0, defaults(kind, true));
        }
        addCompanions(out);
        addOwnInstances(out);
        refuseSharedOutputs(out.get("sink"));
        return new TraceSpec(out.get("probe"), out.get("filter"), out.get("enricher"), out.get("sink"), settings);
    }

    /** Two sinks writing one file would interleave their bytes into a file that is neither's format. */
    private static void refuseSharedOutputs(List<TraceSpec.Component> sinks) throws ConfigException {
        Map<Path, String> writers = new LinkedHashMap<>();
        for (TraceSpec.Component c : sinks) {
            for (String v : c.options().all(OUTPUT_KEY)) {
                if (v.equals("-") || v.isEmpty() || v.equals("/dev/null")) {
                    continue;
                }
                Path file;
                try {
                    file = Path.of(v).toAbsolutePath().normalize();
                } catch (InvalidPathException e) {
                    continue; // the sink says what is wrong with it
                }
                String before = writers.putIfAbsent(file, c.options().component());
                if (before != null) {
                    throw new ConfigException(before + " and " + c.options().component() + " would both write " + v,
                            "give each sink its own output file");
                }
            }
        }
    }

    private List<TraceSpec.Component> defaults(String kind, boolean always) throws ConfigException {
        List<TraceSpec.Component> out = new ArrayList<>();
        for (ComponentFactory<?, ?> f : registry.factories(kind)) {
            if (f.defaultUse().always() == always && f.defaultUse().appliesTo(defaultsOf)) {
                out.add(asDefault(kind, f));
            }
        }
        return out;
    }

    /** A component used without the user naming it, with the options its default use declares. */
    private static TraceSpec.Component asDefault(String kind, ComponentFactory<?, ?> f) throws ConfigException {
        return new TraceSpec.Component(f.type(), Options.parse(kind + " " + f.type(), f.defaultUse().options()));
    }

    /** Components declared {@link io.pkttrace.api.DefaultUse#withProbe} a probe of the run, unless chosen already. */
    private void addCompanions(Map<String, List<TraceSpec.Component>> out) throws ConfigException {
        for (String kind : List.of("filter", "enricher", "sink")) {
            for (ComponentFactory<?, ?> f : registry.factories(kind)) {
                String probe = f.defaultUse().withProbe();
                boolean runs = probe != null && out.get("probe").stream().anyMatch(p -> p.type().equals(probe));
                if (runs && out.get(kind).stream().noneMatch(c -> c.type().equals(f.type()))) {
                    out.get(kind).add(asDefault(kind, f));
                }
            }
        }
    }

    /** Option short forms of probes and sinks: set on the chosen instances, or select the component. */
    private void applyToChosen(Map<String, List<TraceSpec.Component>> out, Map<String, Boolean> explicit)
            throws ConfigException {
        for (Use u : uses) {
            Contribution c = u.contribution();
            if (c.option() == null || !(c.kind().equals("probe") || c.kind().equals("sink"))) {
                continue;
            }
            List<TraceSpec.Component> list = out.get(c.kind());
            if (list.stream().noneMatch(x -> x.type().equals(c.type()))) {
                if (explicit.get(c.kind())) {
                    throw new ConfigException(c.form().name() + " is given but no " + c.type() + " " + c.kind() + " was chosen",
                            "add --" + c.kind() + " " + c.type() + ", or drop " + c.form().name());
                }
                list.add(new TraceSpec.Component(c.type(), Options.empty(c.owner())));
                explicit.put(c.kind(), true);
            }
            for (int i = 0; i < list.size(); i++) {
                TraceSpec.Component x = list.get(i);
                boolean set = x.options().keys().stream().anyMatch(c.option()::answersTo);
                if (x.type().equals(c.type()) && !set) {
                    list.set(i, new TraceSpec.Component(x.type(), x.options().withAll(c.option().key(), u.values())));
                }
            }
        }
    }

    /** Filter and enricher short forms: one instance of their own per component, named after its items short form. */
    private void addOwnInstances(Map<String, List<TraceSpec.Component>> out) throws ConfigException {
        Map<String, List<Use>> byOwner = new LinkedHashMap<>();
        for (Use u : uses) {
            Contribution c = u.contribution();
            if ((c.kind().equals("filter") || c.kind().equals("enricher")) && c.form().kind() != ShortForm.Kind.SELECTS) {
                byOwner.computeIfAbsent(c.kind() + " " + c.type(), k -> new ArrayList<>()).add(u);
            }
        }
        for (List<Use> group : byOwner.values()) {
            Contribution first = group.get(0).contribution();
            OptionSet declared = registry.factories(first.kind()).stream().filter(f -> f.type().equals(first.type()))
                    .findFirst().orElseThrow().options();
            String name = first.owner() + " (" + (first.itemsName() != null ? first.itemsName() : first.form().name()) + ")";
            List<String> items = new ArrayList<>();
            for (Use u : group) {
                if (u.contribution().form().kind() == ShortForm.Kind.ITEMS) {
                    for (String item : u.values()) {
                        int eq = item.indexOf('=');
                        if (eq <= 0) {
                            throw new ConfigException(u.contribution().form().name() + " takes key=value items, not '" + item + "'",
                                    "valid " + declared.noun() + "s: " + String.join(", ", declared.mainKeys()));
                        }
                        items.add(item);
                    }
                }
            }
            for (io.pkttrace.api.Option<?> o : declared.options()) {
                for (Use u : group) {
                    if (u.contribution().option() != null && u.contribution().option().key().equals(o.key())) {
                        u.values().forEach(v -> items.add(o.key() + "=" + v));
                    }
                }
            }
            out.get(first.kind()).add(new TraceSpec.Component(first.type(), Options.parse(name, items)));
        }
    }

}
