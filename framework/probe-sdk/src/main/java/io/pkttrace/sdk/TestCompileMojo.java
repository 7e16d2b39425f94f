package io.pkttrace.sdk;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles {@code src/test/bpf/*.bpf.c}, BPF programs only tests load, into {@code bpf/*.bpf.o} of the
 * test classes (never into the jar). They may include the module's own {@code src/main/bpf} headers.
 */
@Mojo(name = "test-compile", defaultPhase = LifecyclePhase.TEST_COMPILE, threadSafe = true)
public final class TestCompileMojo extends AbstractCompileMojo {
    @Parameter(defaultValue = "${project.basedir}/src/test/bpf")
    File sourceDirectory;

    @Parameter(defaultValue = "${project.build.testOutputDirectory}/bpf")
    File outputDirectory;

    @Parameter(defaultValue = "${project.basedir}/src/main/bpf", readonly = true)
    File mainSourceDirectory;

    /** Set by -Dmaven.test.skip=true: no test is compiled, so no test object either. */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    boolean testSkip;

    @Override
    List<Path> ownIncludes() {
        return List.of(mainSourceDirectory.toPath());
    }

    @Override
    File sourceDirectory() {
        return sourceDirectory;
    }

    @Override
    File outputDirectory() {
        return outputDirectory;
    }

    @Override
    public void execute() throws org.apache.maven.plugin.MojoExecutionException, org.apache.maven.plugin.MojoFailureException {
        if (!testSkip) {
            super.execute();
        }
    }
}
