package io.pkttrace.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One option of a component, declared once: its key (and aliases), how the user's text becomes a
 * value (type, allowed values or range), its default, its help and the short forms that set it from
 * the command line. Validation, the messages for bad input, {@code --help} and
 * {@code pkttrace plugins} all come from this declaration. Options are declared in the factory's
 * {@link OptionSet}, once, in static fields:
 *
 * <pre>
 * private static final OptionSet OPTIONS = new OptionSet();
 * static final Option&lt;Long&gt; TOP = OPTIONS.add(Option.number("top", 1, 1000, 10L, "how many interfaces to print"));
 *
 * public OptionSet options() { return OPTIONS; }
 * public Config configure(Options options) throws ConfigException { return new Config(options.get(TOP)); }
 * </pre>
 *
 * @param <T> the type of the value
 */
public final class Option<T> {
    /** One value as the user gave it: the key as written (the option's key or an alias) and the text. */
    public record Given(String key, String text) {
    }

    /** Turns the values given for an option (at least one) into its value, or fails with one line. */
    @FunctionalInterface
    public interface Parser<T> {
        /** @param component names the component in messages, e.g. {@code sink json} */
        T parse(String component, List<Given> given) throws ConfigException;
    }

    /** Parses one alternative of a {@link #list list option}. */
    @FunctionalInterface
    public interface ElementParser<E> {
        /** @param where the start of every message: the component and the key as written, e.g. {@code filter fivetuple: src} */
        E parse(String where, String text) throws ConfigException;
    }

    private final String key;
    private final List<String> aliases;
    private final String label;
    private final String help;
    private final String values;
    private final Parser<T> parser;
    private final T defaultValue;
    private final String defaultText;
    private final boolean repeatable;
    private final String requiredExample;
    private final String requiredHint;
    private final List<ShortForm> shortForms;
    private final OptionSet set;
    /** Whether its parser is asked about a key written without a value ("true"): flags, lists, custom parsers. */
    private final boolean bareKeyParsed;

    private Option(String key, List<String> aliases, String label, String help, String values, Parser<T> parser,
                   T defaultValue, String defaultText, boolean repeatable, String requiredExample, String requiredHint,
                   List<ShortForm> shortForms, OptionSet set, boolean bareKeyParsed) {
        if (key == null || key.isEmpty() || key.contains("=") || key.contains(",") || key.contains(":")) {
            throw new IllegalArgumentException("an option key is a word without '=', ',' or ':': " + key);
        }
        this.key = key;
        this.aliases = List.copyOf(aliases);
        this.label = label;
        this.help = help;
        this.values = values;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.repeatable = repeatable;
        this.requiredExample = requiredExample;
        this.requiredHint = requiredHint;
        this.shortForms = List.copyOf(shortForms);
        this.set = set;
        this.bareKeyParsed = bareKeyParsed;
    }

    private static <T> Option<T> of(String key, String label, String help, String values, Parser<T> parser,
                                    T defaultValue, String defaultText, boolean repeatable, boolean bareKeyParsed) {
        return new Option<>(key, List.of(), label, help, values, parser, defaultValue, defaultText, repeatable, null, null,
                List.of(), null, bareKeyParsed);
    }

    // ---- the kinds of options --------------------------------------------------------------------

    /** {@code true}/{@code false} (also yes/no, on/off, 1/0); a key given without {@code =value} means true. */
    public static Option<Boolean> flag(String key, boolean defaultValue, String help) {
        return of(key, "true|false", help, null, (c, g) -> parseFlag(c, single(c, g)), defaultValue,
                Boolean.toString(defaultValue), false, true);
    }

    /**
     * A whole number in {@code [min, max]}.
     *
     * @param defaultValue the value when the option is not given; null for none (then absent is null)
     */
    public static Option<Long> number(String key, long min, long max, Long defaultValue, String help) {
        String range = min == Long.MIN_VALUE && max == Long.MAX_VALUE ? "a whole number" : min + " to " + max;
        return of(key, "N", help, range, (c, g) -> parseNumber(c, single(c, g), min, max), defaultValue,
                defaultValue == null ? null : defaultValue.toString(), false, false);
    }

    /**
     * Any non-empty text, e.g. a file name.
     *
     * @param label        what a value looks like in help, e.g. {@code FILE}
     * @param defaultValue the value when the option is not given (may be null)
     */
    public static Option<String> text(String key, String label, String defaultValue, String help) {
        return of(key, label, help, null, (c, g) -> single(c, g).text(), defaultValue, defaultValue, false, false);
    }

    /**
     * A comma-separated subset of fixed names, e.g. {@code hooks=tx,rx}; the key may be repeated.
     *
     * @param noun     what one name is called in messages, e.g. {@code hook}: "unknown hook 'x': valid hooks: ..."
     * @param defaults the names when the option is not given
     */
    public static Option<List<String>> choices(String key, String noun, List<String> allowed, List<String> defaults,
                                               String help) {
        List<String> names = List.copyOf(allowed);
        Parser<List<String>> p = (c, given) -> {
            List<String> out = new ArrayList<>();
            for (Given g : given) {
                for (String piece : g.text().split(",")) {
                    String name = piece.trim().toLowerCase(Locale.ROOT);
                    if (!names.contains(name)) {
                        throw new ConfigException(c + ": unknown " + noun + " '" + piece.trim() + "'",
                                "valid " + noun + "s: " + String.join(", ", names));
                    }
                    if (!out.contains(name)) {
                        out.add(name);
                    }
                }
            }
            return List.copyOf(out);
        };
        return of(key, String.join(",", names), help, "comma-separated subset of " + String.join(", ", names), p,
                List.copyOf(defaults), String.join(",", defaults), true, false);
    }

    /**
     * Alternatives: every value of the key (repeatable, aliases included) split at commas, each parsed
     * by {@code element}; absent is an empty list.
     *
     * @param example a valid alternative, for the message about an empty one
     */
    public static <E> Option<List<E>> list(String key, String label, ElementParser<E> element, String example,
                                           String help) {
        Parser<List<E>> p = (c, given) -> {
            List<E> out = new ArrayList<>();
            for (Given g : given) {
                String where = c + ": " + g.key();
                for (String piece : g.text().split(",", -1)) {
                    String text = piece.strip();
                    if (text.isEmpty()) {
                        throw new ConfigException(where + " has an empty value", "give it a value, e.g. " + g.key() + "=" + example);
                    }
                    out.add(element.parse(where, text));
                }
            }
            return out;
        };
        return of(key, label, help, null, p, List.of(), null, true, true);
    }

    /**
     * An option with a parser of its own.
     *
     * @param defaultText the default as help shows it, or null to show none
     */
    public static <T> Option<T> custom(String key, String label, Parser<T> parser, T defaultValue, String defaultText,
                                       String help) {
        return of(key, label, help, null, parser, defaultValue, defaultText, false, true);
    }

    // ---- modifiers: each returns a new declaration ---------------------------------------------

    /** Other keys the user may write for this option, e.g. {@code dst} for {@code dest}. */
    public Option<T> alias(String... more) {
        List<String> a = new ArrayList<>(aliases);
        a.addAll(List.of(more));
        return new Option<>(key, a, label, help, values, parser, defaultValue, defaultText, repeatable, requiredExample,
                requiredHint, shortForms, set, bareKeyParsed);
    }

    /** The option must be given; {@code example} is a valid value for the message when it is not. */
    public Option<T> required(String example) {
        return required(example, null);
    }

    /** The option must be given; {@code hint} says what to do when it is not (null: an example with {@code example}). */
    public Option<T> required(String example, String hint) {
        return new Option<>(key, aliases, label, help, values, parser, defaultValue, null, repeatable, example, hint,
                shortForms, set, bareKeyParsed);
    }

    /** A command-line short form that sets this option ({@link ShortForm#value} or {@link ShortForm#flag}). */
    public Option<T> shortForm(ShortForm form) {
        if (form.kind() != ShortForm.Kind.VALUE && form.kind() != ShortForm.Kind.FLAG) {
            throw new IllegalArgumentException("an option's short form sets its value: " + form.name());
        }
        List<ShortForm> f = new ArrayList<>(shortForms);
        f.add(form);
        return new Option<>(key, aliases, label, help, values, parser, defaultValue, defaultText, repeatable,
                requiredExample, requiredHint, f, set, bareKeyParsed);
    }

    Option<T> boundTo(OptionSet owner) {
        if (set != null) {
            throw new IllegalStateException("option '" + key + "' is already declared in another option set");
        }
        return new Option<>(key, aliases, label, help, values, parser, defaultValue, defaultText, repeatable,
                requiredExample, requiredHint, shortForms, owner, bareKeyParsed);
    }

    // ---- what the declaration says ---------------------------------------------------------------

    public String key() {
        return key;
    }

    public List<String> aliases() {
        return aliases;
    }

    /** What a value looks like, e.g. {@code FILE} or {@code N}. */
    public String label() {
        return label;
    }

    public String help() {
        return help;
    }

    /** The value when the option is not given. */
    public T defaultValue() {
        return defaultValue;
    }

    /** True when the key may be given several times (the values add up). */
    public boolean repeatable() {
        return repeatable;
    }

    public boolean isRequired() {
        return requiredExample != null;
    }

    /** A valid value for messages about a required option, or null. */
    public String example() {
        return requiredExample;
    }

    /** What the message about a missing required option tells the user to do, or null for the example. */
    public String requiredHint() {
        return requiredHint;
    }

    public List<ShortForm> shortForms() {
        return shortForms;
    }

    /** The set this option was declared in, or null before {@link OptionSet#add}. */
    public OptionSet set() {
        return set;
    }

    /** True for the key and its aliases. */
    public boolean answersTo(String name) {
        return key.equals(name) || aliases.contains(name);
    }

    /** One line for help: what it means, its values or range, aliases, and the default. */
    public String describe() {
        StringBuilder sb = new StringBuilder(help);
        if (values != null) {
            sb.append(": ").append(values);
        }
        List<String> notes = new ArrayList<>();
        if (!aliases.isEmpty()) {
            notes.add("alias " + String.join(", ", aliases));
        }
        if (requiredExample != null) {
            notes.add("required");
        } else if (defaultText != null) {
            notes.add("default " + defaultText);
        }
        if (!notes.isEmpty()) {
            sb.append(" (").append(String.join("; ", notes)).append(')');
        }
        return sb.toString();
    }

    /** The value in {@code options}, or the default; fails with one line when a value is not valid. */
    T valueIn(Options options) throws ConfigException {
        List<Given> given = new ArrayList<>();
        String bareKey = null;
        for (String k : options.keys()) {
            if (answersTo(k)) {
                for (String v : options.all(k)) {
                    given.add(new Given(k, v));
                }
                if (options.givenWithoutValue(k)) {
                    bareKey = k;
                }
            }
        }
        if (given.isEmpty()) {
            return defaultValue;
        }
        if (bareKey != null && !bareKeyParsed) {
            throw withoutValue(options.component(), bareKey);
        }
        try {
            return parser.parse(options.component(), given);
        } catch (ConfigException e) {
            // "hooks" alone means hooks=true, which only a flag understands: say what is missing instead.
            throw bareKey != null ? withoutValue(options.component(), bareKey) : e;
        }
    }

    private ConfigException withoutValue(String component, String writtenKey) {
        return new ConfigException(component + ": option '" + writtenKey + "' needs a value", "write " + writtenKey + "=" + label);
    }

    @Override
    public String toString() {
        return "Option[" + key + "]";
    }

    // ---- the messages of the built-in kinds, shared with Options' accessors ----------------------

    /** The only value of a single-valued option; fails when it is given more than once or empty. */
    static Given single(String component, List<Given> given) throws ConfigException {
        Given g = given.get(0);
        if (given.size() > 1) {
            throw new ConfigException(component + ": option '" + g.key() + "' given more than once", "give it once");
        }
        if (g.text().isEmpty()) {
            throw new ConfigException(component + ": option '" + g.key() + "' is empty", "give it a value");
        }
        return g;
    }

    static long parseNumber(String component, Given g, long min, long max) throws ConfigException {
        long n;
        try {
            n = Long.parseLong(g.text().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(component + ": option '" + g.key() + "' is not a number: '" + g.text() + "'",
                    "give a whole number between " + min + " and " + max);
        }
        if (n < min || n > max) {
            throw new ConfigException(component + ": option '" + g.key() + "' is out of range: " + n,
                    "give a whole number between " + min + " and " + max);
        }
        return n;
    }

    static boolean parseFlag(String component, Given g) throws ConfigException {
        switch (g.text().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default:
                throw new ConfigException(component + ": option '" + g.key() + "' is not a boolean: '" + g.text() + "'",
                        "use true or false");
        }
    }
}
