package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.BtfKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns the symbol file into the functions to attach: expands globs over the target's functions,
 * finds each function's packet argument in the target's BTF (the first parameter that is a
 * {@code struct vr_packet *} or {@code **}; never a table of names), and explains, one line per
 * name, what cannot be traced: names that do not exist (with the closest existing names), that
 * were inlined away, or that exist only as GCC clones.
 */
final class FunctionResolver {
    /** The outcome: what to attach, one line per name that cannot be, and notes for the report. */
    record Resolution(List<TracedFunction> functions, List<String> problems, List<String> notes) {
    }

    private final TargetInfo info;
    private final int maxFunctions;

    FunctionResolver(TargetInfo info, int maxFunctions) {
        this.info = info;
        this.maxFunctions = maxFunctions;
    }

    Resolution resolve(SymbolFile file) throws PkttraceException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, SymbolFile.Entry> wanted = new LinkedHashMap<>();
        Iterable<String> universe = universe();
        String target = info.target().describe();
        for (SymbolFile.Entry e : file.entries()) {
            if (!e.isGlob()) {
                wanted.putIfAbsent(e.pattern(), e);
                continue;
            }
            var re = e.regex();
            int n = 0;
            for (String name : universe) {
                if (!SymbolTable.isClone(name) && re.matcher(name).matches()) {
                    wanted.putIfAbsent(name, new SymbolFile.Entry(e.line(), name, null));
                    n++;
                }
            }
            if (n == 0) {
                problems.add("'" + e.pattern() + "' (line " + e.line() + ") matches no function of " + target);
            }
        }
        List<TracedFunction> out = new ArrayList<>();
        for (SymbolFile.Entry e : wanted.values()) {
            String problem = missing(e.pattern(), universe);
            if (problem != null) {
                problems.add(problem);
                continue;
            }
            if (out.size() >= maxFunctions) {
                throw new PkttraceException("vrouter: the symbol file names more than " + maxFunctions + " functions",
                        "trace fewer functions (every traced call costs the datapath time)");
            }
            out.add(function(out.size(), e, notes));
        }
        return new Resolution(List.copyOf(out), List.copyOf(problems), List.copyOf(notes));
    }

    /** The names globs expand over: the symbols, or the BTF's functions for a module that is not loaded. */
    private Iterable<String> universe() {
        if (info.symbols().loaded()) {
            return info.symbols().names();
        }
        TreeSet<String> names = new TreeSet<>();
        Btf btf = info.btf();
        for (int id = btf.firstOwnId(); id < btf.typeCount(); id++) {
            if (btf.kind(id) == BtfKind.FUNC) {
                names.add(btf.name(id));
            }
        }
        return names;
    }

    /** Why a name cannot be traced, or null when it exists. */
    private String missing(String name, Iterable<String> universe) {
        SymbolTable sym = info.symbols();
        String target = info.target().describe();
        if (sym.loaded() ? sym.has(name) : info.btf().find(name, BtfKind.FUNC) >= 0) {
            return null;
        }
        List<String> clones = sym.clonesOf(name);
        if (!clones.isEmpty()) {
            return name + " exists only as GCC clone" + (clones.size() > 1 ? "s " : " ") + String.join(", ", clones)
                    + " in " + target + ": the compiler changed its arguments, so its packet cannot be read; trace its "
                    + "callers, or name the clone (traced with its caller's packet)";
        }
        if (sym.debugKnows(name)) {
            return name + " has no symbol in " + target + ": the compiler inlined it into its callers (the debug "
                    + "information still names it); trace its callers";
        }
        List<String> close = NameSuggestions.closest(name, universe, 3);
        String closest = close.isEmpty() ? "" : " (closest: " + String.join(", ", close) + ")";
        if (!sym.loaded()) { // only the module's BTF to go by: it has no inlined functions either
            return name + " is not a function of " + target + " (" + info.btfSource() + "): it does not exist or was "
                    + "inlined away" + closest;
        }
        return name + " does not exist in " + target + closest;
    }

    private TracedFunction function(int id, SymbolFile.Entry e, List<String> notes) throws PkttraceException {
        String name = e.pattern();
        Btf btf = info.btf();
        List<Integer> funcs = btf.findAll(name, BtfKind.FUNC);
        List<Long> offsets = info.symbols().offsets(name);
        if (offsets.size() > 1) {
            notes.add(offsets.size() + " functions are named " + name + " (static, in different files): all are traced");
        }
        ReturnKind returns = funcs.isEmpty() ? ReturnKind.UNKNOWN : ReturnKind.of(btf, funcs.get(0));
        if (e.arg() != null) {
            return new TracedFunction(id, name, offsets, e.arg(), levelsOfOverride(name, e, funcs), returns,
                    !funcs.isEmpty(), "packet in argument " + e.arg() + " (arg= in the symbol file)");
        }
        if (funcs.isEmpty()) {
            notes.add(name + (SymbolTable.isClone(name) ? " is a GCC clone (its arguments differ from the source) and"
                    : "") + " has no type information in " + info.btfSource() + ": traced with the packet of the call it "
                    + "nests in; give " + name + ":arg=N to read its own");
            return new TracedFunction(id, name, offsets, -1, 1, returns, false, "no type information");
        }
        int[] found = null;
        for (int f : funcs) {
            int[] p = packetParam(btf, f);
            if (found != null && (p == null || p[0] != found[0] || p[1] != found[1])) {
                throw new PkttraceException("vrouter: " + funcs.size() + " functions named " + name + " in " + info.btfSource()
                        + " take the packet in different arguments", "give " + name + ":arg=N in the symbol file");
            }
            found = p == null ? new int[] {-1, 1, 0} : p;
        }
        if (found[0] < 0) {
            return new TracedFunction(id, name, offsets, -1, 1, returns, true,
                    "no struct vr_packet argument: its events belong to the call it nests in");
        }
        if (found[0] > SymbolFile.MAX_ARG) {
            notes.add(name + " takes the packet in argument " + found[0] + ", beyond the " + (SymbolFile.MAX_ARG + 1)
                    + " passed in registers: traced with the packet of the call it nests in");
            return new TracedFunction(id, name, offsets, -1, 1, returns, true, "packet argument on the stack");
        }
        if (found[2] > 1) {
            notes.add(name + " takes " + found[2] + " packets: argument " + found[0] + " is traced; give " + name
                    + ":arg=N to choose another");
        }
        List<Btf.Param> params = btf.params(funcs.get(0));
        return new TracedFunction(id, name, offsets, found[0], found[1], returns, true,
                "packet in argument " + found[0] + " (" + declaration(btf, params.get(found[0])) + ")");
    }

    /** "struct vr_packet *pkt", as C declares the parameter. */
    private static String declaration(Btf btf, Btf.Param p) {
        String type = btf.typeName(p.type());
        return type.endsWith("*") ? type + p.name() : type + " " + p.name();
    }

    /** {index, pointer levels, number of packet parameters} of the first vr_packet parameter, or null. */
    private int[] packetParam(Btf btf, int func) {
        int[] first = null;
        int count = 0;
        List<Btf.Param> params = btf.params(func);
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).type() == 0) {
                continue; // varargs
            }
            Btf.PointerTo p = btf.pointerTo(params.get(i).type());
            if ((p.levels() == 1 || p.levels() == 2) && isPacket(btf, p.target())) {
                count++;
                if (first == null) {
                    first = new int[] {i, p.levels(), 0};
                }
            }
        }
        if (first != null) {
            first[2] = count;
        }
        return first;
    }

    private boolean isPacket(Btf btf, int type) {
        BtfKind k = btf.kind(type);
        return (k == BtfKind.STRUCT || k == BtfKind.FWD) && btf.name(type).equals("vr_packet");
    }

    /** Checks an arg= override against the function's prototype when the BTF has it. */
    private int levelsOfOverride(String name, SymbolFile.Entry e, List<Integer> funcs) throws PkttraceException {
        if (funcs.isEmpty()) {
            return 1;
        }
        Btf btf = info.btf();
        List<Btf.Param> params = btf.params(funcs.get(0));
        String where = info.btfSource();
        if (e.arg() >= params.size()) {
            throw new PkttraceException("vrouter: " + name + ":arg=" + e.arg() + " (line " + e.line() + "): " + name + " has "
                    + params.size() + " argument" + (params.size() == 1 ? "" : "s") + " in " + where,
                    "give an index from 0 to " + (params.size() - 1) + ", or drop arg= to derive it");
        }
        Btf.Param p = params.get(e.arg());
        Btf.PointerTo to = btf.pointerTo(p.type());
        if (to.levels() < 1 || to.levels() > 2 || !isPacket(btf, to.target())) {
            throw new PkttraceException("vrouter: " + name + ":arg=" + e.arg() + " (line " + e.line() + "): argument " + e.arg()
                    + " of " + name + " is '" + declaration(btf, p) + "', not a struct vr_packet pointer",
                    "drop arg= to derive the packet argument from the function's type");
        }
        return to.levels();
    }
}
