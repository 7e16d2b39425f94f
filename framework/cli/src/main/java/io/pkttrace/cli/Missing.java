package io.pkttrace.cli;

import io.pkttrace.api.ConfigException;
import io.pkttrace.core.engine.SpecBuilder;
import io.pkttrace.core.plugins.PluginRegistry;

/** Turns "no probe selected" into "... the plugin that would be its default is not installed" when the table knows it. */
final class Missing {
    /** A build step that may find a kind without a default. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws ConfigException;
    }

    private Missing() {
    }

    static <T> T explained(Step<T> step, PluginRegistry registry) throws ConfigException {
        try {
            return step.run();
        } catch (SpecBuilder.MissingDefaultException e) {
            boolean canChoose = !(e.kind().equals("probe") && e.command().equals("ping"));
            String better = ContributionTable.installed().missingDefault(e.kind(), e.command(), canChoose, registry).orElse(null);
            if (better == null) {
                throw e;
            }
            throw new ConfigException(better, null);
        }
    }
}
