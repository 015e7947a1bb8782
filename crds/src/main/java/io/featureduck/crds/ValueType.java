package io.featureduck.crds;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Value types of entities and features, named after Feast's value types so that Feast users read them at a glance.
 * Lists are written {@code list<int64>}.
 */
public enum ValueType {
    STRING("string", false),
    INT32("int32", false),
    INT64("int64", false),
    FLOAT32("float32", false),
    FLOAT64("float64", false),
    BOOL("bool", false),
    TIMESTAMP("timestamp", false),
    DATE("date", false),
    BYTES("bytes", false),
    STRING_LIST("list<string>", true),
    INT32_LIST("list<int32>", true),
    INT64_LIST("list<int64>", true),
    FLOAT32_LIST("list<float32>", true),
    FLOAT64_LIST("list<float64>", true),
    BOOL_LIST("list<bool>", true),
    TIMESTAMP_LIST("list<timestamp>", true),
    DATE_LIST("list<date>", true),
    BYTES_LIST("list<bytes>", true);

    private final String wireName;
    private final boolean list;

    ValueType(String wireName, boolean list) {
        this.wireName = wireName;
        this.list = list;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public boolean isList() {
        return list;
    }

    /** The element type of a list type; the type itself otherwise. */
    public ValueType elementType() {
        return list ? fromWireName(wireName.substring(5, wireName.length() - 1)) : this;
    }

    /** Names users may write, in the order the schema lists them. */
    public static List<String> wireNames() {
        List<String> names = new ArrayList<>();
        for (ValueType type : values()) {
            names.add(type.wireName);
        }
        return names;
    }

    @JsonCreator
    public static ValueType fromWireName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT).replace(" ", "");
        for (ValueType type : values()) {
            if (type.wireName.equals(wanted)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown value type '" + name + "', expected one of " + wireNames());
    }
}
