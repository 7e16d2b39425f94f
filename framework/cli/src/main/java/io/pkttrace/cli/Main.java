package io.pkttrace.cli;

import io.pkttrace.api.PkttraceException;
import picocli.CommandLine;

/** Entry point: user errors become one line on stderr and a non-zero exit, never a stack trace. */
public final class Main {
    /** Exit status for user errors (bad input, missing privilege or kernel feature). */
    public static final int EXIT_USER_ERROR = 2;
    /** Exit status for unexpected internal errors. */
    public static final int EXIT_INTERNAL = 70;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        if (java.util.Arrays.asList(args).contains("-v") || java.util.Arrays.asList(args).contains("--verbose")) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
        CommandLine cl = new CommandLine(new PkttraceCommand());
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
            System.err.println("pkttrace: " + ex.getMessage() + ": see " + ex.getCommandLine().getCommandName() + " --help");
            return EXIT_USER_ERROR;
        });
        return cl.execute(args);
    }
}
