package io.pkttrace.core.plugins;

import io.pkttrace.api.ComponentFactory;
import io.pkttrace.api.EnricherFactory;
import io.pkttrace.api.FilterFactory;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeFactory;
import io.pkttrace.api.SinkFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginRepository;
import org.pf4j.PluginRepository;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads plugins with PF4J at start-up and then only answers questions: PF4J is not thread-safe, so
 * nothing is loaded or unloaded after construction. Extensions on the host's own class path (core's
 * built-ins) are found as well.
 */
public final class PluginRegistry implements AutoCloseable {
    /** A loaded plugin and the extension types it contributes. */
    public record PluginInfo(String id, String version, String description, Path path, List<String> extensions) {
    }

    private final PluginManager manager;
    private final Map<Class<?>, List<ComponentFactory<?, ?>>> byPoint = new LinkedHashMap<>();

    public PluginRegistry(List<Path> pluginDirs) throws PkttraceException {
        this(pluginDirs, PluginTrust.Policy.strict());
    }

    /** Loads the plugins of these directories, after checking that only trusted users could have put them there. */
    public PluginRegistry(List<Path> pluginDirs, PluginTrust.Policy trust) throws PkttraceException {
        List<Path> expected = new ArrayList<>();
        for (Path dir : pluginDirs) {
            List<Path> jars = PluginJars.jars(dir);
            trust.apply(dir, jars); // before any byte of a jar is read
            expected.addAll(PluginJars.verifiedJars(dir));
        }
        manager = new DefaultPluginManager(pluginDirs) {
            // Plugins are jars only: a directory next to them (a build tree's target/classes) is not a plugin.
            @Override
            protected PluginRepository createPluginRepository() {
                return new JarPluginRepository(getPluginsRoots());
            }
        };
        manager.loadPlugins();
        manager.startPlugins();
        for (Path jar : expected) {
            PluginWrapper w = manager.getPlugins().stream()
                    .filter(p -> p.getPluginPath().toAbsolutePath().equals(jar.toAbsolutePath()))
                    .findFirst().orElse(null);
            if (w == null || w.getPluginState() != PluginState.STARTED) {
                String why = w == null ? "PF4J could not load it" : "its state is " + w.getPluginState()
                        + (w.getFailedException() != null ? ": " + w.getFailedException().getMessage() : "");
                throw new PkttraceException("plugin " + jar.getFileName() + " did not start (" + why + ")",
                        "check that it was built against this pkttrace version and does not bundle the api or pf4j");
            }
        }
        for (Class<?> point : List.of(ProbeFactory.class, FilterFactory.class, EnricherFactory.class, SinkFactory.class)) {
            List<ComponentFactory<?, ?>> list = new ArrayList<>();
            for (Object ext : manager.getExtensions(point)) {
                list.add((ComponentFactory<?, ?>) ext);
            }
            list.sort(Comparator.comparing(ComponentFactory::type));
            byPoint.put(point, list);
        }
    }

    @SuppressWarnings("unchecked")
    public List<ProbeFactory<?>> probes() {
        return (List<ProbeFactory<?>>) (List<?>) byPoint.get(ProbeFactory.class);
    }

    @SuppressWarnings("unchecked")
    public List<FilterFactory<?>> filters() {
        return (List<FilterFactory<?>>) (List<?>) byPoint.get(FilterFactory.class);
    }

    @SuppressWarnings("unchecked")
    public List<EnricherFactory<?>> enrichers() {
        return (List<EnricherFactory<?>>) (List<?>) byPoint.get(EnricherFactory.class);
    }

    @SuppressWarnings("unchecked")
    public List<SinkFactory<?>> sinks() {
        return (List<SinkFactory<?>>) (List<?>) byPoint.get(SinkFactory.class);
    }

    /** The factory of that type, or a one-line error listing the available ones. */
    public static <F extends ComponentFactory<?, ?>> F find(List<F> factories, String kind, String type)
            throws PkttraceException {
        for (F f : factories) {
            if (f.type().equals(type)) {
                return f;
            }
        }
        List<String> names = factories.stream().map(ComponentFactory::type).toList();
        throw new PkttraceException("unknown " + kind + " '" + type + "'",
                names.isEmpty() ? "no " + kind + " plugin is installed (see pkttrace plugins)"
                        : "available: " + String.join(", ", names));
    }

    /** The plugin that contributed an extension, or "builtin" for the host's own. */
    public String pluginOf(Object extension) {
        PluginWrapper w = manager.whichPlugin(extension.getClass());
        return w == null ? "builtin" : w.getPluginId();
    }

    public List<PluginInfo> plugins() {
        List<PluginInfo> out = new ArrayList<>();
        for (PluginWrapper w : manager.getPlugins()) {
            List<String> ext = new ArrayList<>();
            byPoint.forEach((point, list) -> list.stream()
                    .filter(f -> w.getPluginId().equals(pluginOf(f)))
                    .forEach(f -> ext.add(pointName(point) + " " + f.type())));
            out.add(new PluginInfo(w.getPluginId(), w.getDescriptor().getVersion(),
                    w.getDescriptor().getPluginDescription(), w.getPluginPath(), ext));
        }
        out.sort(Comparator.comparing(PluginInfo::id));
        return out;
    }

    public static String pointName(Class<?> point) {
        return point.getSimpleName().replace("Factory", "").toLowerCase();
    }

    @Override
    public void close() {
        manager.stopPlugins();
        manager.unloadPlugins();
    }
}
