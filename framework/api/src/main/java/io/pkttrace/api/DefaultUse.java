package io.pkttrace.api;

import java.util.List;
import java.util.Set;

/**
 * Which commands use a component without the user naming it, as its factory declares
 * ({@link ComponentFactory#defaultUse()}): the netpath probe is what {@code trace} and {@code ping}
 * run when no {@code --probe} is given, the console sink what they print to. The CLI itself names no
 * plugin. A {@link CommandPreset} counts as {@code trace} for the kinds it does not set itself.
 *
 * @param commands  command names, e.g. {@code trace}, {@code ping}, {@code replay}
 * @param always    true: used next to whatever the user chooses (an enricher that is always on);
 *                  false: used only when the user chooses no component of its kind
 * @param withProbe a probe type: used in every command whose run includes that probe (e.g. an
 *                  enricher that completes the probe's events), or null
 * @param options   {@code key=value} options the component gets when it is used this way (not when
 *                  the user names it), e.g. {@code optional=true} for a probe a command can do without
 */
public record DefaultUse(Set<String> commands, boolean always, String withProbe, List<String> options) {
    /** Never used unless named. */
    public static final DefaultUse NONE = new DefaultUse(Set.of(), false, null, List.of());

    public DefaultUse {
        commands = Set.copyOf(commands);
        options = List.copyOf(options);
    }

    /** Used by these commands when the user chooses no component of its kind. */
    public static DefaultUse whenNoneChosen(String... commands) {
        return new DefaultUse(Set.of(commands), false, null, List.of());
    }

    /** Used by these commands in any case, next to the user's choices. */
    public static DefaultUse always(String... commands) {
        return new DefaultUse(Set.of(commands), true, null, List.of());
    }

    /** Used, next to the user's choices, whenever a probe of type {@code probeType} runs. */
    public static DefaultUse withProbe(String probeType) {
        return new DefaultUse(Set.of(), true, probeType, List.of());
    }

    /** The same use, with these {@code key=value} options (checked against the component's declaration like the user's). */
    public DefaultUse with(String... items) {
        return new DefaultUse(commands, always, withProbe, List.of(items));
    }

    public boolean appliesTo(String command) {
        return commands.contains(command);
    }
}
