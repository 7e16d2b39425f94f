package io.pkttrace.core.wiring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where plugins are loaded from: directories given explicitly, else $PKTTRACE_PLUGINS
 * (colon-separated, e.g. the plugins' target/ dirs in development), else the distribution's plugins/.
 */
public record PluginDirs(List<Path> dirs, boolean allowUntrusted) {
    public PluginDirs {
        dirs = List.copyOf(dirs);
    }

    public PluginDirs(List<Path> dirs) {
        this(dirs, false);
    }

    /** The same directories; plugins others could have written are loaded with a warning instead of refused. */
    public PluginDirs allowingUntrusted(boolean allow) {
        return new PluginDirs(dirs, allow);
    }

    public static PluginDirs resolve(List<Path> explicit, String envValue, String home) {
        if (explicit != null && !explicit.isEmpty()) {
            return new PluginDirs(explicit);
        }
        List<Path> out = new ArrayList<>();
        if (envValue != null && !envValue.isBlank()) {
            for (String p : envValue.split(":")) {
                if (!p.isBlank()) {
                    out.add(Path.of(p));
                }
            }
            return new PluginDirs(out);
        }
        if (home != null) {
            out.add(Path.of(home, "plugins"));
        }
        return new PluginDirs(out);
    }
}
