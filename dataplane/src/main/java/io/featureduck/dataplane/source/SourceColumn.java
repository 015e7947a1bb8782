package io.featureduck.dataplane.source;

/**
 * A column of a source table.
 *
 * @param name         the name users and expressions refer to
 * @param physicalName the name in the data files (differs under Delta column mapping)
 * @param type         logical type
 * @param partition    whether the value comes from the table's partition metadata instead of the data files
 * @param nullable     whether the table allows nulls in it; only table formats declare it (a Delta field's
 *                     {@code nullable}, an Iceberg field's {@code optional}), so files without a table are nullable
 */
public record SourceColumn(String name, String physicalName, ColumnType type, boolean partition, boolean nullable) {

    /** A column that may hold nulls. */
    public SourceColumn(String name, String physicalName, ColumnType type, boolean partition) {
        this(name, physicalName, type, partition, true);
    }

    public boolean isRenamed() {
        return !name.equals(physicalName);
    }
}
