package io.pkttrace.api;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A command a plugin adds to pkttrace, e.g. {@code pkttrace vrouter -f FILE [-r] [-o] [-a ...]}: a
 * {@code trace} with the plugin's probes, its own short forms and defaults, which exists only while
 * the plugin is installed. Contributed like any extension ({@code @Extension}).
 *
 * <p>The command accepts everything {@code trace} does except {@code --probe}: its probes are the
 * preset's. Its short forms are those of {@code trace} (e.g. the fivetuple filter's {@code -a}), the
 * short forms of its probes' options declared {@link ShortForm#in in} this command (e.g.
 * {@code -f FILE} for the probe's symbol file), and {@link #shortForms()} (e.g. {@code -o} selecting
 * a sink).
 */
public interface CommandPreset extends ExtensionPoint {
    /** The command's name, e.g. {@code vrouter}; must not clash with a built-in command. */
    String name();

    /** One line for {@code --help} and {@code pkttrace plugins}. */
    String description();

    /** The probes it runs, as {@code --probe} specs: {@code TYPE} or {@code TYPE:key=value,...}. */
    List<String> probes();

    /** Sinks when the user chooses none, as {@code --sink} specs; empty: those {@code trace} uses by default. */
    default List<String> sinks() {
        return List.of();
    }

    /** Short forms of the command itself, typically {@link ShortForm#selects}. */
    default List<ShortForm> shortForms() {
        return List.of();
    }
}
