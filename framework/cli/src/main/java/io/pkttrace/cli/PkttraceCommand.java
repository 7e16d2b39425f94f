package io.pkttrace.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.plugins.PluginRegistry;
import io.pkttrace.core.wiring.CoreModule;
import io.pkttrace.core.wiring.PluginDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The root command: global options; {@link Main} adds the subcommands (the built-in ones and the plugins'). */
@Command(name = "pkttrace", mixinStandardHelpOptions = true, versionProvider = PkttraceCommand.Version.class,
        description = "Trace where packets go in the kernel: interfaces, namespaces, drops (eBPF).")
public final class PkttraceCommand {
    @Option(names = "--plugins", paramLabel = "DIR",
            description = "plugin directory (repeatable); default: $PKTTRACE_PLUGINS, else <home>/plugins")
    List<Path> pluginDirs = new ArrayList<>();

    @Option(names = "--allow-untrusted-plugins",
            description = "load plugins even from files or directories that users other than root (and the user sudo ran"
                    + " for) could have written; they run as root: use only for code you trust, each run prints a warning")
    boolean allowUntrustedPlugins;

    @Option(names = {"-v", "--verbose"}, description = "log what libbpf and the engine do")
    boolean verbose;

    /**
     * The running kernel's BTF as a file, for kernels without /sys/kernel/btf/vmlinux: every probe's CO-RE
     * relocations, drop-reason names and doctor use it. Not the vrouter module's BTF ({@code vrouter --btf}).
     */
    @Option(names = "--btf", paramLabel = "FILE", description = "this kernel's own (vmlinux) BTF as a file, for kernels"
            + " without /sys/kernel/btf/vmlinux: CO-RE relocations of every probe, drop-reason names and doctor use it"
            + " (before the command; 'pkttrace vrouter --btf FILE' after it is the vrouter module's BTF)")
    void btf(Path file) {
        System.setProperty(io.pkttrace.btf.Btf.FILE_PROPERTY, file.toString());
    }

    private Injector injector;
    private boolean failuresShown;

    /** The Guice injector for this invocation, created on first use. */
    Injector injector() {
        if (injector == null) {
            PluginDirs dirs = PluginDirs.resolve(pluginDirs, System.getenv("PKTTRACE_PLUGINS"),
                    System.getProperty("pkttrace.home")).allowingUntrusted(allowUntrustedPlugins);
            injector = Guice.createInjector(new CoreModule(dirs));
        }
        return injector;
    }

    boolean injectorCreated() {
        return injector != null;
    }

    CoreModule.Services services() {
        return injector().getInstance(CoreModule.Services.class);
    }

    /**
     * The plugins, loaded on first use. An extension that could not be created is named once on
     * stderr (one line each); the others are there, and the command's exit status says it.
     */
    PluginRegistry registry() throws PkttraceException {
        PluginRegistry r = services().plugins();
        if (!failuresShown) {
            failuresShown = true;
            PrintStream err = System.err;
            r.failures().forEach(line -> err.println("pkttrace: " + line));
        }
        return r;
    }

    /** True when loaded plugins left an extension out: the run's status says a component failed. */
    boolean extensionFailed() {
        PluginRegistry r = injector == null ? null : services().loadedPlugins();
        return r != null && !r.failures().isEmpty();
    }

    /** Reads the version Maven wrote into the jar. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Version.class.getResourceAsStream("/pkttrace-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"pkttrace " + p.getProperty("version", "unknown")};
        }
    }
}
