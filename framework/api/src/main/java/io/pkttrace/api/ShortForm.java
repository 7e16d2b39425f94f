package io.pkttrace.api;

import java.util.List;
import java.util.Set;

/**
 * A command-line short form a plugin contributes, declared with the options it sets: {@code -a KEY=VALUE...}
 * and {@code --src ADDR} for the fivetuple filter, {@code --output FILE} for the json sink. The CLI
 * offers exactly the short forms of the installed plugins, so removing a plugin jar removes them.
 *
 * <p>What a short form does depends on the kind of component that declares it. A filter's or an
 * enricher's short forms give the options of one instance of their own, added to what the user
 * chose (named after the short form in messages, e.g. {@code filter fivetuple (-a)}). A probe's or a
 * sink's short forms set the option on every instance of that component the command runs that does
 * not set it itself; when the user chose none of that kind, they select the component instead of the
 * command's default (so {@code --output f.jsonl} alone writes JSON, not the console).
 *
 * <p>Where: by default in {@code trace}, {@code replay} and every command preset; {@link #in} limits a
 * short form to the named commands, e.g. to a plugin's own {@link CommandPreset}.
 */
public final class ShortForm {
    /** How a short form takes its value. */
    public enum Kind {
        /** {@code --src ADDR}: sets the option it is declared on to the value; repeatable when the option is. */
        VALUE,
        /** {@code -r}: sets the option it is declared on to {@code true}. */
        FLAG,
        /** {@code -a KEY=VALUE...}: any options of its component, anywhere on the line, repeatable. */
        ITEMS,
        /** {@code -o}: selects a component (a preset's), e.g. the flow sink. */
        SELECTS
    }

    /** The commands a short form is in unless {@link #in} says otherwise (presets count as trace). */
    public static final Set<String> DEFAULT_COMMANDS = Set.of("trace", "replay");

    private final Kind kind;
    private final String name;
    private final String label;
    private final String help;
    private final Set<String> commands;
    private final String selectsKind;
    private final String selectsSpec;

    private ShortForm(Kind kind, String name, String label, String help, Set<String> commands, String selectsKind,
                      String selectsSpec) {
        if (name == null || !name.matches("--?[A-Za-z0-9][A-Za-z0-9-]*")) {
            throw new IllegalArgumentException("a short form is an option name such as -a or --src: " + name);
        }
        this.kind = kind;
        this.name = name;
        this.label = label;
        this.help = help;
        this.commands = Set.copyOf(commands);
        this.selectsKind = selectsKind;
        this.selectsSpec = selectsSpec;
    }

    /** {@code NAME LABEL}: sets the option it is declared on ({@link Option#shortForm}). */
    public static ShortForm value(String name, String label, String help) {
        return new ShortForm(Kind.VALUE, name, label, help, DEFAULT_COMMANDS, null, null);
    }

    /** {@code NAME} alone: sets the option it is declared on to true ({@link Option#shortForm}). */
    public static ShortForm flag(String name, String help) {
        return new ShortForm(Kind.FLAG, name, null, help, DEFAULT_COMMANDS, null, null);
    }

    /** {@code NAME KEY=VALUE...}: options of the component ({@link OptionSet#shortForm}). */
    public static ShortForm items(String name, String help) {
        return new ShortForm(Kind.ITEMS, name, "KEY=VALUE", help, DEFAULT_COMMANDS, null, null);
    }

    /**
     * {@code NAME} alone: selects a component, as {@code --KIND SPEC} would ({@link CommandPreset#shortForms}).
     *
     * @param kind {@code probe}, {@code filter}, {@code enricher} or {@code sink}
     * @param spec {@code TYPE} or {@code TYPE:key=value,...}
     */
    public static ShortForm selects(String name, String kind, String spec, String help) {
        if (!List.of("probe", "filter", "enricher", "sink").contains(kind)) {
            throw new IllegalArgumentException("unknown kind " + kind);
        }
        return new ShortForm(Kind.SELECTS, name, null, help, DEFAULT_COMMANDS, kind, spec);
    }

    /** The same short form, available only in these commands. */
    public ShortForm in(String... only) {
        return new ShortForm(kind, name, label, help, Set.of(only), selectsKind, selectsSpec);
    }

    public Kind kind() {
        return kind;
    }

    /** As typed on the command line, e.g. {@code -a} or {@code --output}. */
    public String name() {
        return name;
    }

    /** What its value looks like, e.g. {@code FILE}; null for {@link Kind#FLAG} and {@link Kind#SELECTS}. */
    public String label() {
        return label;
    }

    public String help() {
        return help;
    }

    public Set<String> commands() {
        return commands;
    }

    /** For {@link Kind#SELECTS}: the kind of component it selects. */
    public String selectsKind() {
        return selectsKind;
    }

    /** For {@link Kind#SELECTS}: the component spec it selects. */
    public String selectsSpec() {
        return selectsSpec;
    }

    /** True if the command has this short form; a command preset also has trace's. */
    public boolean availableIn(String command, boolean isPreset) {
        return commands.contains(command) || (isPreset && commands.contains("trace"));
    }

    @Override
    public String toString() {
        return name + (label == null ? "" : " " + label);
    }
}
