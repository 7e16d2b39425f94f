package io.pkttrace.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of one component, in declaration order, and its {@link ShortForm.Kind#ITEMS items}
 * short form if it has one. Filled once, from static initializers of the factory ({@link #add});
 * {@link ComponentFactory#options()} returns it. The engine checks the user's options against it before
 * {@link ComponentFactory#configure} runs, and {@link Options#get} does too, so a factory never checks
 * keys itself.
 */
public final class OptionSet {
    /** A component without options. */
    public static final OptionSet NONE = new OptionSet("option", true);

    private static final Pattern COMPONENT = Pattern.compile("(probe|filter|enricher|sink) (\\S+)");

    private final String noun;
    private final boolean sealed;
    private final List<Option<?>> options = new ArrayList<>();
    private final List<ShortForm> itemForms = new ArrayList<>();

    /** A set whose keys messages call "option". */
    public OptionSet() {
        this("option", false);
    }

    /** @param noun what messages call a key, e.g. {@code key} for pkt_tracer-style filters */
    public OptionSet(String noun) {
        this(noun, false);
    }

    private OptionSet(String noun, boolean sealed) {
        this.noun = noun;
        this.sealed = sealed;
    }

    /** Declares an option; returns it as declared here, to keep in a static field. */
    public synchronized <T> Option<T> add(Option<T> option) {
        if (sealed) {
            throw new IllegalStateException("OptionSet.NONE takes no options: create an OptionSet");
        }
        for (String name : names(option)) {
            if (find(name) != null) {
                throw new IllegalArgumentException("option key '" + name + "' is declared twice");
            }
        }
        Option<T> bound = option.boundTo(this);
        options.add(bound);
        return bound;
    }

    /** Declares the component's items short form, e.g. {@code -a KEY=VALUE...}. */
    public synchronized OptionSet shortForm(ShortForm items) {
        if (sealed || items.kind() != ShortForm.Kind.ITEMS) {
            throw new IllegalArgumentException("a component's own short form takes KEY=VALUE items: " + items.name());
        }
        itemForms.add(items);
        return this;
    }

    private static List<String> names(Option<?> o) {
        List<String> n = new ArrayList<>();
        n.add(o.key());
        n.addAll(o.aliases());
        return n;
    }

    /** What messages call a key: {@code option} unless declared otherwise. */
    public String noun() {
        return noun;
    }

    public synchronized List<Option<?>> options() {
        return Collections.unmodifiableList(new ArrayList<>(options));
    }

    /** The component's items short forms ({@code -a}); option short forms are on each {@link Option}. */
    public synchronized List<ShortForm> itemsShortForms() {
        return List.copyOf(itemForms);
    }

    /** The option answering to a key or alias, or null. */
    public synchronized Option<?> find(String name) {
        for (Option<?> o : options) {
            if (o.answersTo(name)) {
                return o;
            }
        }
        return null;
    }

    /** Every key the user may write, aliases right after their key, in declaration order. */
    public synchronized List<String> keys() {
        List<String> out = new ArrayList<>();
        for (Option<?> o : options) {
            out.addAll(names(o));
        }
        return out;
    }

    /** Keys without aliases, in declaration order. */
    public synchronized List<String> mainKeys() {
        return options.stream().map(Option::key).toList();
    }

    /**
     * Checks everything the declaration says: no unknown key, every required option given, every
     * value valid. The first problem is thrown as one line.
     */
    public void check(Options given) throws ConfigException {
        String c = given.component();
        for (String key : given.keys()) {
            if (find(key) == null) {
                throw new ConfigException(c + ": unknown " + noun + " '" + key + "'",
                        keys().isEmpty() ? "it takes no " + noun + "s" : "valid " + noun + "s: " + String.join(", ", keys()));
            }
        }
        for (Option<?> o : options()) {
            if (o.isRequired() && names(o).stream().noneMatch(given::has)) {
                Matcher m = COMPONENT.matcher(c);
                throw new ConfigException(c + ": " + noun + " '" + o.key() + "' is required", o.requiredHint() != null
                        ? o.requiredHint()
                        : m.matches() ? "e.g. --" + m.group(1) + " " + m.group(2) + ":" + o.key() + "=" + o.example()
                        : "give " + o.key() + "=" + o.example());
            }
            o.valueIn(given);
        }
    }
}
