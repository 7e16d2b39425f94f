package io.pkttrace.core.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.netns.NetnsNames;
import io.pkttrace.core.plugins.PluginRegistry;
import io.pkttrace.core.plugins.PluginTrust;

/**
 * Guice wiring of the engine's services. Providers that can fail with a user error are exposed as
 * {@link Services} methods rather than injected directly, so the error reaches the CLI unwrapped.
 */
public final class CoreModule extends AbstractModule {
    private final PluginDirs pluginDirs;

    public CoreModule(PluginDirs pluginDirs) {
        this.pluginDirs = pluginDirs;
    }

    @Override
    protected void configure() {
        bind(PluginDirs.class).toInstance(pluginDirs);
        bind(NetnsNames.class).toInstance(new NetnsNames());
    }

    @Provides
    @Singleton
    Services services(PluginDirs dirs) {
        return new Services(dirs);
    }

    /** Lazily created, process-wide services. */
    public static final class Services implements AutoCloseable {
        private final PluginDirs dirs;
        private PluginRegistry registry;

        Services(PluginDirs dirs) {
            this.dirs = dirs;
        }

        /** The plugin registry, loaded on first use (plugins are loaded once, then frozen). */
        public synchronized PluginRegistry plugins() throws PkttraceException {
            if (registry == null) {
                registry = new PluginRegistry(dirs.dirs(), new PluginTrust.Policy(PluginTrust.Users.ofThisProcess(),
                        dirs.allowUntrusted(), w -> System.err.println("pkttrace: " + w)));
            }
            return registry;
        }

        /** libbpf; loading it fails with a user error when it is not installed. */
        public NativeBpf bpf() throws PkttraceException {
            return NativeBpf.get();
        }

        @Override
        public synchronized void close() {
            if (registry != null) {
                registry.close();
            }
        }
    }
}
