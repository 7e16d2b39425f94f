package io.pkttrace.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Raw configuration of one component as given by the user: keys with one or more string values
 * (a key repeated on the command line keeps every value in order). Factories read their typed,
 * validated values with {@link #get(Option)}, from the options they declared once.
 */
public final class Options {
    private final String component;
    private final Map<String, List<String>> values;
    /** Keys the user wrote without {@code =value} (their value is "true"): only a flag may be written so. */
    private final Set<String> bare;
    /** The declaration these options were last checked against: {@link #get} checks once per set. */
    private OptionSet checked;

    /** @param component the component name used in error messages, e.g. {@code sink json} */
    public Options(String component, Map<String, List<String>> values) {
        this(component, values, Set.of());
    }

    private Options(String component, Map<String, List<String>> values, Set<String> bare) {
        this.component = component;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.values = Collections.unmodifiableMap(copy);
        Set<String> kept = new HashSet<>(bare);
        kept.retainAll(copy.keySet());
        this.bare = Set.copyOf(kept);
    }

    /** Options with no keys. */
    public static Options empty(String component) {
        return new Options(component, Map.of());
    }

    /**
     * Parses {@code key=value} items; a key without '=' gets the value "true" (a flag), and an option
     * that is not a flag says it needs a value ({@link #givenWithoutValue}).
     */
    public static Options parse(String component, List<String> items) throws ConfigException {
        Map<String, List<String>> map = new LinkedHashMap<>();
        Set<String> bare = new HashSet<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq);
            String value = eq < 0 ? "true" : item.substring(eq + 1);
            if (key.isEmpty()) {
                throw new ConfigException(component + ": option '" + item + "' has no key",
                        "write options as key=value");
            }
            map.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            if (eq < 0) {
                bare.add(key);
            }
        }
        return new Options(component, map, bare);
    }

    /**
     * The value of a declared option (or its default). The first call for a declaration checks every
     * key against it ({@link OptionSet#check}), so an unknown key or a bad value fails here too.
     */
    public <T> T get(Option<T> option) throws ConfigException {
        OptionSet set = option.set();
        if (set != null && checked != set) {
            set.check(this);
            checked = set;
        }
        return option.valueIn(this);
    }

    /** The same options with {@code key} set to {@code value}, replacing what it had. */
    public Options with(String key, String value) {
        return withAll(key, List.of(value));
    }

    /** The same options with {@code key} set to {@code values} (given with '='), replacing what it had. */
    public Options withAll(String key, List<String> values) {
        Map<String, List<String>> m = new LinkedHashMap<>(this.values);
        m.put(key, values);
        Set<String> b = new HashSet<>(bare);
        b.remove(key);
        return new Options(component, m, b);
    }

    /** The same values under another component name (for messages). */
    public Options named(String newComponent) {
        return new Options(newComponent, values, bare);
    }

    /** True when the user wrote {@code key} without {@code =value} (at least once). */
    public boolean givenWithoutValue(String key) {
        return bare.contains(key);
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
        return has(key) ? Option.single(component, given(key)).text() : defaultValue;
    }

    public long number(String key, long defaultValue, long min, long max) throws ConfigException {
        return has(key) ? Option.parseNumber(component, Option.single(component, given(key)), min, max) : defaultValue;
    }

    public boolean flag(String key, boolean defaultValue) throws ConfigException {
        return has(key) ? Option.parseFlag(component, Option.single(component, given(key))) : defaultValue;
    }

    private List<Option.Given> given(String key) {
        return all(key).stream().map(v -> new Option.Given(key, v)).toList();
    }

    @Override
    public String toString() {
        return component + values;
    }
}
