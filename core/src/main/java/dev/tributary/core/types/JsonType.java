package dev.tributary.core.types;

/**
 * The {@code JSON} type (not the old experimental {@code Object('json')}). Tributary sends a JSON
 * column's value as JSON text, which the engine reads with
 * {@code input_format_binary_read_json_as_string = 1}; the type's parameters (typed paths, skips,
 * limits) therefore do not change how a value is written and are kept as text.
 *
 * @param parameters the text between the parentheses of {@code JSON(...)}, or empty for {@code JSON}
 */
public record JsonType(String parameters) implements ClickHouseType {

    public JsonType {
        parameters = parameters == null ? "" : parameters.trim();
    }

    @Override
    public Kind kind() {
        return Kind.JSON;
    }

    @Override
    public String toString() {
        return parameters.isEmpty() ? "JSON" : "JSON(" + parameters + ")";
    }
}
