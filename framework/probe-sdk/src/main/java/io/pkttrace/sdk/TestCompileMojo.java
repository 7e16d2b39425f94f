package io.pkttrace.sdk;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles {@code src/test/bpf/*.bpf.c}, BPF programs only tests load, into {@code bpf/*.bpf.o} of the
 * test classes (never into the jar). They may include the module's own {@code src/main/bpf} files.
 */
@Mojo(name = "test-compile", defaultPhase = LifecyclePhase.TEST_COMPILE, threadSafe = true)
public final class TestCompileMojo extends AbstractCompileMojo {
    /** Set by -Dmaven.test.skip=true: no test is compiled, so no test object either. */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    boolean testSkip;

    @Override
    boolean forTests() {
        return true;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (!testSkip) {
            super.execute();
        }
    }
}
