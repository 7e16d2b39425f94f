package io.pkttrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The scripts made from the command line with the extensions on the test class path (the real
 * fivetuple filter and sinks, the recording sink): each component option completes its own kind.
 * Running them in bash and zsh is CompletionIT's part.
 */
class CompletionScriptTest {
    @TempDir
    Path emptyPlugins;

    private String script(String shell) throws PkttraceException {
        PkttraceCommand root = new PkttraceCommand();
        CommandLine cl = Main.commandLine(root, "--plugins", emptyPlugins.toString(), "completion");
        return CompletionScript.of(shell, cl, root.registry());
    }

    @Test
    void eachComponentOptionCompletesItsOwnKind() throws Exception {
        String bash = script("bash");
        assertTrue(bash.contains("local SINKkv_option_args=(\"console\" \"flow\" \"html\" \"json\" \"pcapng\" \"recording\") # --sink values"), bash);
        assertTrue(bash.contains("local FILTERkv_option_args=(\"fivetuple\") # --filter values"), bash);
        assertTrue(bash.contains("'--sink')\n      local IFS=$'\\n'\n      COMPREPLY=( $( compReplyArray \"${SINKkv_option_args[@]}\" ) )"), bash);
        assertEquals(bash, script("bash"), "the same script from run to run");
    }

    @Test
    void zshScriptIsAnAutoloadableCompdefWithoutPicocliAlias() throws Exception {
        String zsh = script("zsh");
        assertTrue(zsh.startsWith("#compdef pkttrace\n"), zsh);
        assertTrue(!zsh.contains("alias compopt=complete") && zsh.contains("compopt() { return 0; }"), zsh);
        assertTrue(zsh.strip().endsWith("_bash_complete -F _complete_pkttrace\nfi"), zsh);
    }
}
