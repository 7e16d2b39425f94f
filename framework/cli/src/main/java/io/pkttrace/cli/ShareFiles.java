package io.pkttrace.cli;

import io.pkttrace.api.PkttraceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build time only (the distribution module runs it; picocli-codegen is not in lib/): writes the
 * distribution's {@code share/} files from the command line with the bundled plugins: the bash and
 * zsh completion scripts, and one AsciiDoc man page source per command (picocli's ManPageGenerator),
 * which asciidoctor turns into {@code share/man/man1/*.1}. A user's extra plugins are covered by
 * {@code pkttrace completion}, made at run time.
 */
public final class ShareFiles {
    private static final int SYNOPSIS_WIDTH = 10_000;

    /** AsciiDoc takes a bracket inside italics (_PORT[-PORT]_) for an attribute list: such brackets become {startsb}/{endsb}. */
    private static final Pattern ITALIC_WITH_BRACKETS = Pattern.compile("_([^_\\s]*[\\[\\]][^_\\s]*)_");

    /**
     * The generator lists an option that has only a short name as "*-c*, _COUNT_::" (and "*-4*, ::"),
     * the comma announcing a long name that does not come: "*-c* _COUNT_::" as man pages write it.
     */
    private static final Pattern SHORT_ONLY_OPTION = Pattern.compile("(?m)^(\\*-[^-*]\\*), (_[^\n]*_(?:\\.\\.\\.)?)?::$");

    private ShareFiles() {
    }

    /** Arguments: the distribution's home, the share/ directory to write, the directory for the .adoc sources. */
    public static void main(String[] args) throws IOException, PkttraceException {
        Path home = Path.of(args[0]);
        Path share = Path.of(args[1]);
        Path adoc = Path.of(args[2]);
        PkttraceCommand root = new PkttraceCommand();
        CommandLine cl = Main.commandLine(root, "--plugins", home.resolve("plugins").toString(), "completion");
        String name = cl.getCommandName();
        // The man pages first: they show the options as --help does (completion changes some labels).
        Files.createDirectories(adoc);
        manPages(cl, adoc);
        write(share.resolve("bash-completion/completions/" + name), CompletionScript.of("bash", cl, root.registry()));
        write(share.resolve("zsh/vendor-completions/_" + name), CompletionScript.of("zsh", cl, root.registry()));
    }

    /** One page per command, named as man expects: pkttrace, pkttrace-trace, ... (not for help). */
    private static void manPages(CommandLine cl, Path dir) throws IOException {
        String page = cl.getCommandSpec().qualifiedName("-");
        // One synopsis line: picocli's wrapping at the terminal width would split AsciiDoc's italics; man wraps it.
        cl.getCommandSpec().usageMessage().width(SYNOPSIS_WIDTH);
        StringWriter adoc = new StringWriter();
        try (PrintWriter w = new PrintWriter(adoc)) {
            ManPageGenerator.writeSingleManPage(w, cl.getCommandSpec());
        }
        String text = ITALIC_WITH_BRACKETS.matcher(adoc.toString())
                .replaceAll(m -> Matcher.quoteReplacement("_" + m.group(1).replace("[", "{startsb}").replace("]", "{endsb}") + "_"));
        text = SHORT_ONLY_OPTION.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)
                + (m.group(2) == null ? "" : " " + m.group(2)) + "::"));
        write(dir.resolve(page + ".adoc"), text);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().helpCommand()) {
                manPages(sub, dir);
            }
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
