package io.pkttrace.cli;

import io.pkttrace.api.PkttraceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        write(share.resolve("bash-completion/completions/" + name), CompletionScript.of("bash", cl, root.registry()));
        write(share.resolve("zsh/vendor-completions/_" + name), CompletionScript.of("zsh", cl, root.registry()));
        Files.createDirectories(adoc);
        manPages(cl, adoc);
    }

    /** One page per command, named as man expects: pkttrace, pkttrace-trace, ... (not for help). */
    private static void manPages(CommandLine cl, Path dir) throws IOException {
        String page = cl.getCommandSpec().qualifiedName("-");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve(page + ".adoc"), StandardCharsets.UTF_8))) {
            ManPageGenerator.writeSingleManPage(w, cl.getCommandSpec());
        }
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
