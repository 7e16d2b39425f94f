package io.pkttrace.cli;

import io.pkttrace.api.ShortForm;
import io.pkttrace.core.engine.SpecBuilder;
import io.pkttrace.core.plugins.Contribution;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.DuplicateOptionAnnotationsException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The short forms installed plugins contribute to one command, as picocli options of that command:
 * added before parsing, read after. Nothing here names a plugin or a component.
 */
final class ShortFormOptions {
    /** One contributed short form and the picocli option that stands for it. */
    private record Bound(Contribution contribution, OptionSpec option) {
    }

    private final List<Bound> bound = new ArrayList<>();

    /** Adds each contribution as an option of {@code spec}; a name already taken is skipped with one line. */
    void addTo(CommandSpec spec, List<Contribution> contributions, PrintStream err) {
        for (Contribution c : contributions) {
            ShortForm f = c.form();
            OptionSpec.Builder b = OptionSpec.builder(f.name()).description(describe(c));
            switch (f.kind()) {
                case ITEMS -> b.arity("1..*").paramLabel(f.label()).type(List.class).auxiliaryTypes(String.class);
                case VALUE -> {
                    b.arity("1").paramLabel(f.label());
                    if (c.option().repeatable()) {
                        b.type(List.class).auxiliaryTypes(String.class);
                    } else {
                        b.type(String.class);
                    }
                }
                default -> b.arity("0").type(boolean.class);
            }
            OptionSpec option = b.build();
            try {
                spec.addOption(option);
                bound.add(new Bound(c, option));
            } catch (DuplicateOptionAnnotationsException e) {
                err.println("pkttrace: warning: " + f.name() + " of " + c.owner() + " (plugin " + c.plugin()
                        + ") is ignored: the name is taken");
            }
        }
    }

    private static String describe(Contribution c) {
        String where = c.form().kind() == ShortForm.Kind.SELECTS ? "selects " + c.kind() + " " + c.type()
                : c.owner() + (c.option() == null ? "" : " option " + c.option().key());
        return c.form().help() + " [" + where + ", plugin " + c.plugin() + "]";
    }

    /** Hands every short form the user gave, with its values, to the builder. */
    void applyTo(SpecBuilder builder) {
        for (Bound b : bound) {
            Object v = b.option().getValue();
            List<String> values = new ArrayList<>();
            if (v instanceof List<?> list) {
                list.forEach(x -> values.add(String.valueOf(x)));
            } else if (v instanceof String s) {
                values.add(s);
            } else if (Boolean.TRUE.equals(v)) {
                values.add("true");
            }
            builder.use(b.contribution(), values);
        }
    }
}
