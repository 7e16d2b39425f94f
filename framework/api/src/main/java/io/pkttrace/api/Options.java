package io.pkttrace.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;

/**
 * Raw configuration of one component as given by the user: keys with one or more string values
 * (a key repeated on the command line keeps every value in order). Factories turn these into their
 * own typed, validated config; the typed accessors below give uniform error messages.
 */
public final class Options {
    private final String component;
    private final Map<String, List<String>> values;

    /** @param component the component name used in error messages, e.g. {@code sink json} */
    public Options(String component, Map<String, List<String>> values) {
        this.component = component;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.values = Collections.unmodifiableMap(copy);
    }

    /** Options with no keys. */
    public static Options empty(String component) {
        return new Options(component, Map.of());
    }

    /** Parses {@code key=value} items; a key without '=' gets the value "true". */
    public static Options parse(String component, List<String> items) throws ConfigException {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq);
            String value = eq < 0 ? "true" : item.substring(eq + 1);
            if (key.isEmpty()) {
                throw new ConfigException(component + ": option '" + item + "' has no key",
                        "write options as key=value");
            }
            map.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return new Options(component, map);
    }

    public String component() {
        return component;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public List<String> all(String key) {
        return values.getOrDefault(key, List.of());
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Fails with the list of valid keys when the user gave one the component does not know. */
    public void requireOnly(Set<String> validKeys) throws ConfigException {
        for (String key : values.keySet()) {
            if (!validKeys.contains(key)) {
                throw new ConfigException(component + ": unknown option '" + key + "'",
                        "valid options: " + String.join(", ", validKeys.stream().sorted().toList()));
            }
        }
    }

    public String string(String key, String defaultValue) throws ConfigException {
        List<String> v = all(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        if (v.size() > 1) {
            throw new ConfigException(component + ": option '" + key + "' given more than once", "give it once");
        }
        if (v.get(0).isEmpty()) {
            throw new ConfigException(component + ": option '" + key + "' is empty", "give it a value");
        }
        return v.get(0);
    }

    public long number(String key, long defaultValue, long min, long max) throws ConfigException {
        String s = string(key, null);
        if (s == null) {
            return defaultValue;
        }
        long n;
        try {
            n = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(component + ": option '" + key + "' is not a number: '" + s + "'",
                    "give a whole number between " + min + " and " + max);
        }
        if (n < min || n > max) {
            throw new ConfigException(component + ": option '" + key + "' is out of range: " + n,
                    "give a whole number between " + min + " and " + max);
        }
        return n;
    }

    public boolean flag(String key, boolean defaultValue) throws ConfigException {
        String s = string(key, null);
        if (s == null) {
            return defaultValue;
        }
        switch (s.toLowerCase()) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default:
                throw new ConfigException(component + ": option '" + key + "' is not a boolean: '" + s + "'",
                        "use true or false");
        }
    }

    @Override
    public String toString() {
        return component + values;
    }
}
