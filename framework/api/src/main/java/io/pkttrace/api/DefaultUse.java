package io.pkttrace.api;

import java.util.Set;

/**
 * Which commands use a component without the user naming it, as its factory declares
 * ({@link ComponentFactory#defaultUse()}): the netpath probe is what {@code trace} and {@code ping}
 * run when no {@code --probe} is given, the console sink what they print to. The CLI itself names no
 * plugin. A {@link CommandPreset} counts as {@code trace} for the kinds it does not set itself.
 *
 * @param commands command names, e.g. {@code trace}, {@code ping}, {@code replay}
 * @param always   true: used next to whatever the user chooses (an enricher that is always on);
 *                 false: used only when the user chooses no component of its kind
 */
public record DefaultUse(Set<String> commands, boolean always) {
    /** Never used unless named. */
    public static final DefaultUse NONE = new DefaultUse(Set.of(), false);

    public DefaultUse {
        commands = Set.copyOf(commands);
    }

    /** Used by these commands when the user chooses no component of its kind. */
    public static DefaultUse whenNoneChosen(String... commands) {
        return new DefaultUse(Set.of(commands), false);
    }

    /** Used by these commands in any case, next to the user's choices. */
    public static DefaultUse always(String... commands) {
        return new DefaultUse(Set.of(commands), true);
    }

    public boolean appliesTo(String command) {
        return commands.contains(command);
    }
}
