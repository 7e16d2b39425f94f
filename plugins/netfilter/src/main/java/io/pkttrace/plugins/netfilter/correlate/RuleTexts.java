package io.pkttrace.plugins.netfilter.correlate;

import io.pkttrace.plugins.netfilter.nft.Ruleset;
import java.util.HashMap;
import java.util.Map;

/**
 * The rule texts a namespace's trace messages are shown with, on the consumer thread: every rule of
 * every listing seen so far, by family, table, chain and handle.
 *
 * <p>Rule handles are never reused within a table, so a text stays right for its handle after the
 * rule is deleted or others are added; keeping old listings' texts lets a message read before a
 * deletion still show its rule. Only a table deleted and created again restarts its handles: a
 * table notification (read in order with the trace messages on the same socket) therefore forgets
 * that table until a listing made after the notification arrives.
 */
public final class RuleTexts {
    private final Map<String, Map<String, Map<String, Map<Long, String>>>> byFamily = new HashMap<>();
    /** family -> table -> base chain -> hook. */
    private final Map<String, Map<String, Map<String, String>>> hooks = new HashMap<>();
    /** family + " " + table -> the refresh sequence a listing must have reached to describe it again. */
    private final Map<String, Long> invalidUntil = new HashMap<>();
    private long mergedSeq = -1;

    /** Merges a listing made for refresh request {@code seq} (or later). */
    public void merge(Ruleset r, long seq) {
        if (seq <= mergedSeq) {
            return;
        }
        mergedSeq = seq;
        invalidUntil.values().removeIf(until -> seq >= until);
        for (Ruleset.Table t : r.tables()) {
            if (invalidUntil.containsKey(t.family() + " " + t.name())) {
                continue;
            }
            Map<String, Map<Long, String>> chains = byFamily.computeIfAbsent(t.family(), f -> new HashMap<>())
                    .computeIfAbsent(t.name(), n -> new HashMap<>());
            for (Ruleset.Chain c : t.chains().values()) {
                chains.computeIfAbsent(c.name(), n -> new HashMap<>()).putAll(c.rules());
                if (c.isBase()) {
                    hooks.computeIfAbsent(t.family(), f -> new HashMap<>()).computeIfAbsent(t.name(), n -> new HashMap<>())
                            .put(c.name(), c.hook());
                }
            }
        }
    }

    /** A table was created or deleted: its handles may restart; forget it until listing {@code seq}. */
    public void invalidate(String family, String table, long seq) {
        Map<String, Map<String, Map<Long, String>>> tables = byFamily.get(family);
        if (tables != null) {
            tables.remove(table);
        }
        Map<String, Map<String, String>> h = hooks.get(family);
        if (h != null) {
            h.remove(table);
        }
        invalidUntil.put(family + " " + table, seq);
    }

    /** The text, or null when no listing seen so far has it. */
    public String text(String family, String table, String chain, long handle) {
        Map<String, Map<String, Map<Long, String>>> tables = byFamily.get(family);
        Map<String, Map<Long, String>> chains = tables == null ? null : tables.get(table);
        Map<Long, String> rules = chains == null ? null : chains.get(chain);
        return rules == null ? null : rules.get(handle);
    }

    /** The hook of a base chain (as nft names it), or null for a chain not listed or not a base chain. */
    public String hook(String family, String table, String chain) {
        Map<String, Map<String, String>> tables = hooks.get(family);
        Map<String, String> chains = tables == null ? null : tables.get(table);
        return chains == null ? null : chains.get(chain);
    }

    /** True while a table notification waits for a newer listing. */
    public boolean invalid(String family, String table) {
        return !invalidUntil.isEmpty() && invalidUntil.containsKey(family + " " + table);
    }

    public long mergedSeq() {
        return mergedSeq;
    }

    /** True when the rule text decides by a reject statement (its DROP verdict is shown as REJECT). */
    public static boolean rejects(String text) {
        return text != null && (text.startsWith("reject") || text.contains(" reject"));
    }
}
