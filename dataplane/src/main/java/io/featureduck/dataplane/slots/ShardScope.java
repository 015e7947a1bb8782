package io.featureduck.dataplane.slots;

import java.util.Optional;

/**
 * What a process keeps of each view's table: the rows of its shard's slots, or every row of a table small enough to
 * be held whole by every shard (so a request for it never needs a second hop).
 *
 * @param layout             this process's shard
 * @param replicateBelowRows tables with fewer rows are held whole
 */
public record ShardScope(ShardLayout layout, long replicateBelowRows) {
    /** An unsharded process: every row of every table. */
    public static final ShardScope WHOLE = new ShardScope(ShardLayout.UNSHARDED, 0);

    /** The slots to keep of a table of {@code sourceRows} rows: empty to keep every row. */
    public Optional<ShardLayout> keep(long sourceRows) {
        return layout.isSharded() && sourceRows >= replicateBelowRows ? Optional.of(layout) : Optional.empty();
    }

    /** The scope that keeps what an earlier load kept ({@code held}), whatever the table's size now. */
    public static ShardScope holding(Optional<ShardLayout> held) {
        return held.map(layout -> new ShardScope(layout, 0)).orElse(WHOLE);
    }
}
