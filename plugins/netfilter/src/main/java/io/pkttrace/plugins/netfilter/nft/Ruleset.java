package io.pkttrace.plugins.netfilter.nft;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A namespace's ruleset as {@code nft -s -a list ruleset} prints it: tables, their chains (base
 * chains with hook and policy) and every rule's text by handle. Immutable once parsed.
 *
 * <p>The text is what nft prints, so rules written with iptables (nft backend) appear as nft shows
 * them, e.g. {@code meta l4proto icmp counter accept}. Sets, maps, flowtables and objects are skipped.
 */
public final class Ruleset {
    /** One table: its family (ip, ip6, inet, ...), name, whether it is owned by a process, and chains. */
    public record Table(String family, String name, boolean owned, Map<String, Chain> chains) {
    }

    /** One chain: base chains have a hook and a policy; rules by handle. */
    public record Chain(String name, String hook, String policy, Map<Long, String> rules) {
        public boolean isBase() {
            return hook != null;
        }
    }

    private static final Pattern TABLE = Pattern.compile("^table (\\S+) (\\S+) \\{(?: #.*)?$");
    private static final Pattern CHAIN = Pattern.compile("^chain (\\S+) \\{(?: #.*)?$");
    private static final Pattern BASE = Pattern.compile("^type \\S+ hook (\\S+)(?: device \\S+)? priority [^;]+;(?: policy (\\S+);)?.*$");
    private static final Pattern HANDLE = Pattern.compile("^(.*\\S)\\s+# handle (\\d+)$");

    private final List<Table> tables;

    private Ruleset(List<Table> tables) {
        this.tables = Collections.unmodifiableList(tables);
    }

    public static Ruleset empty() {
        return new Ruleset(List.of());
    }

    public List<Table> tables() {
        return tables;
    }

    /** The table, or null. */
    public Table table(String family, String name) {
        for (Table t : tables) {
            if (t.family.equals(family) && t.name.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The text of rule {@code handle} of chain {@code chain} of a table, or null. */
    public String rule(String family, String table, String chain, long handle) {
        Table t = table(family, table);
        Chain c = t == null ? null : t.chains.get(chain);
        return c == null ? null : c.rules.get(handle);
    }

    /** Parses the output of {@code nft -s -a list ruleset}. */
    public static Ruleset parse(String listing) {
        List<Table> tables = new ArrayList<>();
        String family = null;
        String tableName = null;
        boolean owned = false;
        Map<String, Chain> chains = null;
        String chainName = null;
        String hook = null;
        String policy = null;
        Map<Long, String> rules = null;
        int depth = 0; // 1 inside a table, 2 inside a chain/set/map, 3+ inside an element block
        boolean inChain = false;
        StringBuilder pending = new StringBuilder(); // a rule continued on the next line (inside braces)
        for (String raw : listing.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || (line.startsWith("#") && depth == 0)) {
                continue;
            }
            if (depth == 0) {
                Matcher m = TABLE.matcher(line);
                if (m.matches()) {
                    family = m.group(1);
                    tableName = m.group(2);
                    owned = false;
                    chains = new HashMap<>();
                    depth = 1;
                }
                continue;
            }
            if (depth == 1) {
                if (line.equals("}")) {
                    tables.add(new Table(family, tableName, owned, Collections.unmodifiableMap(chains)));
                    depth = 0;
                    continue;
                }
                if (line.startsWith("flags ") && line.matches("flags .*\\bowner\\b.*")) {
                    owned = true;
                }
                Matcher m = CHAIN.matcher(line);
                if (m.matches()) {
                    chainName = m.group(1);
                    hook = null;
                    policy = null;
                    rules = new HashMap<>();
                    inChain = true;
                    depth = 2;
                } else if (line.endsWith("{") || line.contains("{ #")) {
                    inChain = false; // set, map, flowtable, object: not needed
                    depth = 2 + Math.max(0, braces(line) - 1);
                }
                continue;
            }
            if (depth == 2 && line.equals("}") && pending.length() == 0) {
                if (inChain) {
                    chains.put(chainName, new Chain(chainName, hook, policy, Collections.unmodifiableMap(rules)));
                }
                depth = 1;
                continue;
            }
            if (!inChain) {
                depth += braces(line);
                continue;
            }
            if (pending.length() > 0) {
                pending.append(' ');
            }
            pending.append(line);
            String text = pending.toString();
            if (braces(text) > 0) {
                continue; // a rule whose braces close on a later line
            }
            pending.setLength(0);
            Matcher b = BASE.matcher(text);
            if (b.matches() && hook == null && rules.isEmpty()) {
                hook = b.group(1);
                policy = b.group(2) == null ? "accept" : b.group(2);
                continue;
            }
            Matcher h = HANDLE.matcher(text);
            if (h.matches()) {
                rules.put(Long.parseLong(h.group(2)), h.group(1));
            }
        }
        return new Ruleset(tables);
    }

    /** Open minus close braces outside double-quoted strings. */
    static int braces(String s) {
        int n = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                n++;
            } else if (!quoted && c == '}') {
                n--;
            }
        }
        return n;
    }
}
