package io.featureduck.dataplane.write;

/**
 * Appends rows to one table as one new version, through the format's own library. A failed append leaves nothing
 * visible: its data files are never named by a committed version, and are removed.
 */
public interface TableWriter {

    /**
     * Refuses rows this table cannot hold as they were pushed (a partition value with no faithful directory name),
     * before they join a batch: a push that would fail its commit must not take the pushes batched with it down.
     *
     * @throws io.featureduck.dataplane.error.FeatureDuckException {@code INVALID_PUSH}, naming the column and row
     */
    void check(PushedRows rows);

    /**
     * Commits {@code rows} as one version, retrying conflicts with other writers.
     *
     * @throws io.featureduck.dataplane.error.FeatureDuckException {@code WRITE_FAILED} when no commit could be made,
     *         {@code TABLE_NOT_WRITABLE} when the table is one this writer cannot commit to
     */
    Committed append(PushedRows rows);

    /**
     * A committed append.
     *
     * @param version the table version that first holds the rows, in the format's own numbering
     * @param files   data files written
     * @param retries conflicts with other writers retried before the commit went through
     */
    record Committed(long version, int files, int rows, int retries) {}
}
