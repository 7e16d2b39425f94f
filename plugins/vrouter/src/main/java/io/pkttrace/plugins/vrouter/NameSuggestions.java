package io.pkttrace.plugins.vrouter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The existing names closest to a name that does not exist (edit distance), for one-line hints. */
final class NameSuggestions {
    private NameSuggestions() {
    }

    /** Up to {@code max} names within a distance that still looks like a typo, closest first. */
    static List<String> closest(String name, Iterable<String> candidates, int max) {
        int limit = Math.max(2, name.length() / 3);
        List<String[]> scored = new ArrayList<>();
        for (String c : candidates) {
            if (SymbolTable.isClone(c) && !SymbolTable.isClone(name)) {
                continue;
            }
            int d = distance(name, c, limit);
            boolean related = c.contains(name) || name.contains(c) && c.length() > 3;
            if (d <= limit || related) {
                scored.add(new String[] {c, Integer.toString(related ? Math.min(d, limit) : d)});
            }
        }
        scored.sort(Comparator.<String[]>comparingInt(s -> Integer.parseInt(s[1])).thenComparing(s -> s[0]));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < scored.size() && out.size() < max; i++) {
            out.add(scored.get(i)[0]);
        }
        return out;
    }

    /** Levenshtein distance, giving up (returning limit + 1) once it exceeds limit. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
