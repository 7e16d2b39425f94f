package io.pkttrace.core.plugins;

import io.pkttrace.api.CommandPreset;
import io.pkttrace.api.ComponentFactory;
import io.pkttrace.api.EnricherFactory;
import io.pkttrace.api.FilterFactory;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeFactory;
import io.pkttrace.api.SinkFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.CompoundPluginDescriptorFinder;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginRepository;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginManager;
import org.pf4j.PluginRepository;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads plugins with PF4J at start-up and then only answers questions: PF4J is not thread-safe, so
 * nothing is loaded or unloaded after construction. Extensions on the host's own class path (core's
 * built-ins) are found as well.
 *
 * <p>Each extension is created on its own: one whose class cannot be loaded or whose constructor
 * throws is left out with one line naming the plugin and the class ({@link #failures()}), and every
 * other extension, of that plugin too, still loads.
 */
public final class PluginRegistry implements AutoCloseable {
    /** A loaded plugin and the extension types it contributes. */
    public record PluginInfo(String id, String version, String description, Path path, List<String> extensions) {
    }

    /** The extension points, in the order {@code pkttrace plugins} lists them. */
    public static final List<Class<?>> POINTS = List.of(ProbeFactory.class, FilterFactory.class, EnricherFactory.class,
            SinkFactory.class, CommandPreset.class);

    private final PluginManager manager;
    private final Map<Class<?>, List<Object>> byPoint = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

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

            @Override
            protected PluginDescriptorFinder createPluginDescriptorFinder() {
                return new CompoundPluginDescriptorFinder().add(new JarPropertiesFinder()).add(new ManifestPluginDescriptorFinder());
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
        List<String> owners = new ArrayList<>();
        owners.add(null); // the host's class path
        manager.getStartedPlugins().forEach(p -> owners.add(p.getPluginId()));
        for (Class<?> point : POINTS) {
            byPoint.put(point, new ArrayList<>());
        }
        for (String owner : owners) {
            createExtensions(owner);
        }
        for (List<Object> list : byPoint.values()) {
            list.sort(Comparator.comparing(PluginRegistry::nameOf));
        }
    }

    /** Creates the extensions of one plugin (or of the host, owner null), each on its own. */
    private void createExtensions(String owner) {
        Set<String> found = new HashSet<>();
        for (Class<?> point : POINTS) {
            for (Class<?> cls : manager.getExtensionClasses(point, owner)) {
                found.add(cls.getName());
                try {
                    byPoint.get(point).add(manager.getExtensionFactory().create(cls));
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable t) {
                    Throwable cause = t instanceof PluginRuntimeException && t.getCause() != null ? t.getCause() : t;
                    if (cause instanceof ExceptionInInitializerError ei && ei.getCause() != null) {
                        cause = ei.getCause();
                    }
                    failures.add(pluginName(owner) + ": extension " + cls.getName() + " cannot be created: "
                            + describe(cause) + ": the other extensions are loaded; fix or remove the plugin");
                }
            }
        }
        for (String name : manager.getExtensionClassNames(owner)) {
            if (!found.contains(name)) {
                failures.add(pluginName(owner) + ": extension " + name + " " + unusable(owner, name)
                        + ": the other extensions are loaded; fix or remove the plugin");
            }
        }
    }

    private String unusable(String owner, String className) {
        ClassLoader loader = owner == null ? getClass().getClassLoader() : manager.getPluginClassLoader(owner);
        try {
            Class.forName(className, false, loader);
            return "is not a pkttrace extension (probe, filter, enricher, sink or command)";
        } catch (ClassNotFoundException | LinkageError e) {
            return "cannot be loaded (" + e + ")";
        }
    }

    private static String pluginName(String owner) {
        return owner == null ? "built-in extensions" : "plugin " + owner;
    }

    private static String describe(Throwable t) {
        String s = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse(""));
        StackTraceElement[] st = t.getStackTrace();
        return st.length == 0 ? s : s + " at " + st[0];
    }

    private static String nameOf(Object extension) {
        if (extension instanceof ComponentFactory<?, ?> f) {
            return f.type();
        }
        return extension instanceof CommandPreset p ? p.name() : extension.getClass().getName();
    }

    /** Extensions left out because they could not be created: one line each, for the user. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> of(Class<T> point) {
        return (List<T>) (List<?>) byPoint.get(point);
    }

    public List<ProbeFactory<?>> probes() {
        return (List<ProbeFactory<?>>) (List<?>) of(ProbeFactory.class);
    }

    public List<FilterFactory<?>> filters() {
        return (List<FilterFactory<?>>) (List<?>) of(FilterFactory.class);
    }

    public List<EnricherFactory<?>> enrichers() {
        return (List<EnricherFactory<?>>) (List<?>) of(EnricherFactory.class);
    }

    public List<SinkFactory<?>> sinks() {
        return (List<SinkFactory<?>>) (List<?>) of(SinkFactory.class);
    }

    /** Commands plugins contribute. */
    public List<CommandPreset> presets() {
        return of(CommandPreset.class);
    }

    /** The factories of one kind: {@code probe}, {@code filter}, {@code enricher} or {@code sink}. */
    public List<? extends ComponentFactory<?, ?>> factories(String kind) {
        return switch (kind) {
            case "probe" -> probes();
            case "filter" -> filters();
            case "enricher" -> enrichers();
            case "sink" -> sinks();
            default -> throw new IllegalArgumentException(kind);
        };
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
                    .forEach(f -> ext.add(pointName(point) + " " + nameOf(f))));
            out.add(new PluginInfo(w.getPluginId(), w.getDescriptor().getVersion(),
                    w.getDescriptor().getPluginDescription(), w.getPluginPath(), ext));
        }
        out.sort(Comparator.comparing(PluginInfo::id));
        return out;
    }

    public static String pointName(Class<?> point) {
        return point == CommandPreset.class ? "command" : point.getSimpleName().replace("Factory", "").toLowerCase();
    }

    @Override
    public void close() {
        manager.stopPlugins();
        manager.unloadPlugins();
    }
}
