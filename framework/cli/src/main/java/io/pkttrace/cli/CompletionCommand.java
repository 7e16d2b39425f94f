package io.pkttrace.cli;

import io.pkttrace.api.PkttraceException;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pkttrace completion bash|zsh}: the completion script for the plugins loaded now (the
 * distribution's and the user's extra ones), so it never offers a command or short form that this
 * installation does not have. The files under {@code share/} are the same scripts made at build time
 * for the bundled plugins ({@link ShareFiles}).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script for the installed plugins.",
                "bash: source <(pkttrace completion bash); zsh: source <(pkttrace completion zsh)"})
final class CompletionCommand implements Callable<Integer> {
    @ParentCommand
    PkttraceCommand root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh", completionCandidates = Shells.class)
    String shell;

    /** What SHELL completes to. */
    static final class Shells implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return CompletionScript.SHELLS.iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!CompletionScript.SHELLS.contains(shell)) {
            throw new PkttraceException("no completion for the shell '" + shell + "'",
                    "give one of " + String.join(", ", CompletionScript.SHELLS));
        }
        System.out.print(CompletionScript.of(shell, spec.root().commandLine(), root.registry()));
        return root.extensionFailed() ? Main.EXIT_COMPONENT_FAILED : 0;
    }
}
