package io.pkttrace.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.btf.Btf;
import io.pkttrace.core.bpf.BtfFile;
import io.pkttrace.core.bpf.KernelProbes;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pkttrace doctor}: what this kernel and this process can do, each found out by trying, and how
 * every installed probe would attach here (the probes' own mechanism choice, which their start follows).
 * Exit 0 when every installed probe can run, 1 otherwise (also when the checks need privileges this
 * process lacks).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"What this kernel and this process can do (each feature tried for real), and how every installed"
                + " probe would attach here and why not by the better mechanisms.",
                "Exit status: 0 when every installed probe can run, 1 otherwise (also without the privileges to check),"
                        + " 2 for bad input (e.g. a --btf FILE that is not BTF)."})
final class DoctorCommand implements Callable<Integer> {
    /** Version of the --json document; fields are only ever added within a version. */
    static final int JSON_VERSION = 1;

    @ParentCommand
    PkttraceCommand root;

    @Option(names = "--json", description = "one JSON document for scripts (fields in the README: pkttrace doctor --json)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (Btf.givenVmlinux().isPresent()) {
            BtfFile.check(Btf.givenVmlinux().get()); // bad input: one line, exit 2
        }
        DoctorReport r = DoctorReport.examine(root.registry());
        if (json) {
            printJson(System.out, r);
        } else {
            printText(System.out, r);
        }
        return r.ok() ? 0 : 1;
    }

    private static String mark(KernelProbes.State s) {
        return switch (s) {
            case PRESENT -> "yes";
            case ABSENT -> "no ";
            case UNKNOWN -> "?  ";
        };
    }

    static void printText(PrintStream out, DoctorReport r) {
        out.println("KERNEL " + r.kernel() + (r.privileged() ? "" : "  (not privileged: '?' marks what could not be checked;"
                + " run as root for every answer)"));
        for (DoctorReport.Line l : r.features()) {
            out.printf("  %-20s %s  %s: %s%n", l.name(), mark(l.state()), l.detail(), l.consequence());
        }
        out.println("SYSTEM");
        for (DoctorReport.Line l : r.system()) {
            out.printf("  %-20s %s  %s: %s%n", l.name(), mark(l.state()), l.detail(), l.consequence());
        }
        out.println("PROBES");
        for (DoctorReport.ProbeLines p : r.probes()) {
            String verdict = p.runnable() == null ? "declares no mechanism choice: run it to see what it attaches (its start"
                    + " reports it)" : p.runnable() ? "can run" : r.privileged() ? "cannot run here"
                    : "cannot tell without privileges";
            out.printf("  %-12s [%s] %s%s%n", p.type(), p.plugin(), verdict,
                    p.configured().equals("defaults") ? "" : " (" + p.configured() + ")");
            for (MechanismChoice c : p.hooks()) {
                out.printf("    %s: %s (%s%s)%s%n", c.hook(), c.available() ? "would attach as " + c.mechanism() : "NONE",
                        c.why(), c.notUsedClause(), c.available() || c.essential() ? "" : " [optional]");
            }
        }
        out.println(r.ok() ? "every installed probe can run" : !r.privileged()
                ? "not every check could be made without privileges: exit 1" : "not every installed probe can run: exit 1");
    }

    static void printJson(PrintStream out, DoctorReport r) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeNumberField("version", JSON_VERSION);
            g.writeStringField("kernel", r.kernel());
            g.writeBooleanField("privileged", r.privileged());
            g.writeBooleanField("ok", r.ok());
            lines(g, "features", r.features());
            lines(g, "system", r.system());
            g.writeArrayFieldStart("probes");
            for (DoctorReport.ProbeLines p : r.probes()) {
                g.writeStartObject();
                g.writeStringField("type", p.type());
                g.writeStringField("plugin", p.plugin());
                g.writeStringField("config", p.configured());
                if (p.runnable() == null) {
                    g.writeNullField("runnable");
                } else {
                    g.writeBooleanField("runnable", p.runnable());
                }
                g.writeArrayFieldStart("hooks");
                for (MechanismChoice c : p.hooks()) {
                    g.writeStartObject();
                    g.writeStringField("hook", c.hook());
                    g.writeStringField("mechanism", c.mechanism());
                    g.writeStringField("why", c.why());
                    g.writeArrayFieldStart("notUsed");
                    for (String n : c.notUsed()) {
                        g.writeString(n);
                    }
                    g.writeEndArray();
                    g.writeBooleanField("essential", c.essential());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.println();
    }

    private static void lines(JsonGenerator g, String field, List<DoctorReport.Line> lines) throws IOException {
        g.writeArrayFieldStart(field);
        for (DoctorReport.Line l : lines) {
            g.writeStartObject();
            g.writeStringField("name", l.name());
            g.writeStringField("state", l.state().name().toLowerCase(Locale.ROOT));
            g.writeStringField("detail", l.detail());
            g.writeStringField("consequence", l.consequence());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
