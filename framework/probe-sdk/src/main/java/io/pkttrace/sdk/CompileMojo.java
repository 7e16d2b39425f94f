package io.pkttrace.sdk;

import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Compiles the plugin's {@code src/main/bpf/*.bpf.c} into {@code bpf/*.bpf.o} of its jar, where the probe
 * opens them: {@code context.openResource(name, MyProbe.class, "/bpf/NAME.bpf.o")}.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.COMPILE, threadSafe = true)
public final class CompileMojo extends AbstractCompileMojo {
    @Override
    boolean forTests() {
        return false;
    }
}
