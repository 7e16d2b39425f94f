package io.pkttrace.cli;

import io.pkttrace.api.CommandPreset;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.bpf.StartupWarmup;
import io.pkttrace.core.plugins.Contribution;
import io.pkttrace.core.plugins.PluginRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Entry point: user errors become one line on stderr and a non-zero exit, never a stack trace.
 *
 * <p>The commands that take plugins' short forms ({@code trace}, {@code replay}, and the commands
 * plugins contribute) need the plugins before the command line is parsed: the plugin directories are
 * read from the arguments first, the plugins are loaded, and their short forms and commands are
 * added to the command line. An option or command of a plugin that is not installed is named in one
 * line, with the plugin, from the distribution's table of what its plugins contribute.
 */
public final class Main {
    /** Exit status for user errors (bad input, missing privilege or kernel feature). */
    public static final int EXIT_USER_ERROR = 2;
    /** Exit status when the run completed but a plugin component failed (named on stderr). */
    public static final int EXIT_COMPONENT_FAILED = 3;
    /** Exit status for unexpected internal errors. */
    public static final int EXIT_INTERNAL = 70;

    private static final String ALLOW_UNTRUSTED = "--allow-untrusted-plugins";
    private static final String BTF = "--btf";

    /** Commands that need no plugin to be parsed. */
    private static final Set<String> PLAIN = Set.of("ping", "demo", "plugins", "help");
    /** Commands that load no BPF program; the others (trace, ping, demo, doctor, the plugins' commands) do. */
    private static final Set<String> NO_BPF = Set.of("plugins", "help", "completion", "replay");
    /** The built-in commands, in the order the help lists them. */
    private static final List<Class<?>> BUILT_IN = List.of(PingCommand.class, TraceCommand.class, ReplayCommand.class,
            DemoCommand.class, PluginsCommand.class, DoctorCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class);
    /** Commands that read the other commands' definitions: the others are built for them too. */
    private static final Set<String> NEED_ALL = Set.of("help", "completion");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        if (loadsBpf(args)) {
            StartupWarmup.start(!List.of(args).contains(BTF) && List.of(args).stream().noneMatch(a -> a.startsWith(BTF + "=")));
        }
        if (List.of(args).contains("-v") || List.of(args).contains("--verbose")) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
            System.setProperty("org.slf4j.simpleLogger.log.org.pf4j", "debug");
        }
        PkttraceCommand root = new PkttraceCommand();
        CommandLine cl;
        try {
            cl = commandLine(root, args);
        } catch (PkttraceException e) {
            System.err.println("pkttrace: " + e.userLine());
            return EXIT_USER_ERROR;
        }
        PluginRegistry loaded = root.injectorCreated() ? root.services().loadedPlugins() : null;
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (!(t instanceof PkttraceException) && t.getCause() != null) {
                t = t.getCause();
            }
            if (t instanceof PkttraceException pe) {
                System.err.println("pkttrace: " + pe.userLine());
                return EXIT_USER_ERROR;
            }
            System.err.println("pkttrace: internal error: " + ex);
            ex.printStackTrace(System.err);
            return EXIT_INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, argv) -> {
            String message = ex.getMessage().endsWith(".") ? ex.getMessage().substring(0, ex.getMessage().length() - 1) : ex.getMessage();
            String line = missingPlugin(ex, loaded).orElse(message + ": see " + ex.getCommandLine().getCommandName() + " --help");
            System.err.println("pkttrace: " + PkttraceException.oneLine(line));
            return EXIT_USER_ERROR;
        });
        return cl.execute(args);
    }

    /**
     * The command line for {@code args}: with the installed plugins' commands and short forms when the command takes them.
     * A line that names a command gets that command alone: building the definitions of every command from
     * their annotations is ~100 ms of a cold start (measured: 205 against 100 ms for trace alone), spent
     * before anything is traced. The root's help, {@code help} and {@code completion} (which list or
     * describe the others), and a word that is no command (for its error message) get all of them.
     */
    static CommandLine commandLine(PkttraceCommand root, String... args) throws PkttraceException {
        CommandLine cl = new CommandLine(root);
        List<Path> dirs = new ArrayList<>();
        String command = commandOf(args, dirs);
        String alone = BUILT_IN.stream().map(Main::nameOf).anyMatch(n -> n.equals(command)) && !NEED_ALL.contains(command)
                ? command : null;
        for (Class<?> c : BUILT_IN) {
            if (alone == null || alone.equals(nameOf(c))) {
                cl.addSubcommand(nameOf(c), c); // picocli makes the instance
            }
        }
        // Root help and --version stay fast: they load no plugin (pkttrace plugins lists the plugins' commands).
        if (command != null && !PLAIN.contains(command)) {
            root.pluginDirs = dirs; // parsing sets the same again; the plugins are loaded by then
            root.allowUntrustedPlugins = List.of(args).subList(0, List.of(args).indexOf(command)).contains(ALLOW_UNTRUSTED);
            addPluginContributions(cl, root.registry(), alone);
        }
        return cl;
    }

    private static String nameOf(Class<?> command) {
        return command.getAnnotation(CommandLine.Command.class).name();
    }

    /** True when the command will load BPF programs: not a command without, nor a request for help or the version. */
    static boolean loadsBpf(String[] args) {
        String command = commandOf(args, new ArrayList<>());
        if (command == null || NO_BPF.contains(command)) {
            return false;
        }
        return List.of(args).stream().noneMatch(a -> Set.of("-h", "--help", "-V", "--version").contains(a));
    }

    /**
     * The subcommand named on the line (the first word after the global options), or null; the
     * global {@code --plugins} values go to {@code pluginDirs} on the way.
     */
    static String commandOf(String[] args, List<Path> pluginDirs) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--plugins") && i + 1 < args.length) {
                pluginDirs.add(Path.of(args[++i]));
            } else if (a.startsWith("--plugins=")) {
                pluginDirs.add(Path.of(a.substring("--plugins=".length())));
            } else if (a.equals(BTF) && i + 1 < args.length) {
                i++; // the kernel's BTF file: parsed with the command line
            } else if (a.startsWith(BTF + "=")) {
                continue;
            } else if (!a.startsWith("-")) {
                return a;
            } else if (!Set.of("-v", "--verbose", ALLOW_UNTRUSTED).contains(a)) {
                return null;
            }
        }
        return null;
    }

    /**
     * Adds the installed plugins' commands, and their short forms to trace, replay and those commands; with
     * {@code builtIn} (the built-in command the line names, built alone) only to that one.
     */
    static void addPluginContributions(CommandLine cl, PluginRegistry registry, String builtIn) {
        for (CommandPreset p : registry.presets()) {
            if (builtIn != null) {
                break;
            }
            if (cl.getSubcommands().containsKey(p.name())) {
                System.err.println("pkttrace: warning: the command " + p.name() + " of plugin " + registry.pluginOf(p)
                        + " is ignored: pkttrace has a command of that name");
                continue;
            }
            TraceCommand preset = new TraceCommand(p);
            CommandLine sub = new CommandLine(preset);
            CommandSpec spec = sub.getCommandSpec();
            spec.remove(spec.findOption("--probe"));
            spec.name(p.name());
            spec.usageMessage().description(p.description());
            cl.addSubcommand(p.name(), sub);
            preset.shortForms.addTo(spec, Contribution.forCommand(registry, p.name(), true), System.err);
        }
        CommandLine trace = cl.getSubcommands().get("trace");
        if (trace != null) {
            ((TraceCommand) trace.getCommand()).shortForms.addTo(trace.getCommandSpec(),
                    Contribution.forCommand(registry, "trace", false), System.err);
        }
        CommandLine replay = cl.getSubcommands().get("replay");
        if (replay != null) {
            ((ReplayCommand) replay.getCommand()).shortForms.addTo(replay.getCommandSpec(),
                    Contribution.forCommand(registry, "replay", false), System.err);
        }
    }

    /** For an unknown option or command that a plugin of the distribution would contribute: which one is missing. */
    private static Optional<String> missingPlugin(CommandLine.ParameterException ex, PluginRegistry installed) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u)) {
            return Optional.empty();
        }
        ContributionTable table = ContributionTable.installed();
        boolean atRoot = ex.getCommandLine().getParent() == null;
        for (String token : u.getUnmatched()) {
            Optional<String> line = token.startsWith("-") ? table.missingShortForm(token, installed)
                    : atRoot ? table.missingCommand(token, installed) : Optional.empty();
            if (line.isPresent()) {
                return line;
            }
        }
        return Optional.empty();
    }
}
