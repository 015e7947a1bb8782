package io.featureduck.dataplane.source;

/**
 * A column of a source table.
 *
 * @param name         the name users and expressions refer to
 * @param physicalName the name in the data files (differs under Delta column mapping)
 * @param type         logical type
 * @param partition    whether the value comes from the table's partition metadata instead of the data files
 */
public record SourceColumn(String name, String physicalName, ColumnType type, boolean partition) {
    public boolean isRenamed() {
        return !name.equals(physicalName);
    }
}
