package io.pkttrace.sdk;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles the plugin's {@code src/main/bpf/*.bpf.c} into {@code bpf/*.bpf.o} of its jar, where the probe
 * opens them: {@code context.openResource(name, MyProbe.class, "/bpf/NAME.bpf.o")}.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.COMPILE, threadSafe = true)
public final class CompileMojo extends AbstractCompileMojo {
    @Parameter(defaultValue = "${project.basedir}/src/main/bpf")
    File sourceDirectory;

    @Parameter(defaultValue = "${project.build.outputDirectory}/bpf")
    File outputDirectory;

    @Override
    List<Path> ownIncludes() {
        return List.of();
    }

    @Override
    File sourceDirectory() {
        return sourceDirectory;
    }

    @Override
    File outputDirectory() {
        return outputDirectory;
    }
}
