package io.featureduck.dataplane.source;

import io.featureduck.crds.TablePin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A table seen as it was at one version, for a pinned FeatureView: its "latest" version is the pinned one, so the
 * online index, refreshes and historical retrieval all stop at the pin without knowing about it. Versions before
 * the pin stay readable, so point-in-time answers for times before the pin are unchanged; for any later time the
 * pinned version is the one current.
 */
final class PinnedTableSource implements TableSource {
    private final TableSource table;
    private final TablePin pin;
    /**
     * The pin, resolved once: a source serves one load, refresh or request (TableSourceFactory.forView makes one
     * each time), so the pin cannot move under it, and a historical request asks for the pinned version more than
     * once (the time range's first and last entity rows) without reading the table's metadata each time.
     */
    private TableSnapshot snapshot;

    private OptionalLong version;

    PinnedTableSource(TableSource table, TablePin pin) {
        this.table = table;
        this.pin = pin;
    }

    @Override
    public synchronized TableSnapshot latestSnapshot() {
        if (snapshot == null) {
            if (pin.version() != null) {
                snapshot = table.snapshotNamed(pin.version());
            } else {
                OptionalLong version = pinnedVersion();
                if (version.isEmpty()) {
                    throw new TableSourceException("the " + table.formatName() + " table has no version as of "
                            + pin.asOf() + " (spec.source.asOf): its first commit is later");
                }
                snapshot = table.snapshotAt(version.getAsLong());
            }
        }
        return snapshot;
    }

    /** The pinned version's number: the instant's version, or the number of the version the pin names. */
    private synchronized OptionalLong pinnedVersion() {
        if (version == null) {
            if (pin.asOf() != null && pin.asOf().isAfter(Instant.now())) {
                // Resolving it now would pin whatever is latest today and keep serving it after that time has come.
                throw new TableSourceException("spec.source.asOf " + pin.asOf() + " is in the future: a pin names a "
                        + "version the table has; the view is served once that time has passed (or pin a version)");
            }
            version = pin.asOf() != null
                    ? table.versionAsOf(pin.asOf())
                    : OptionalLong.of(latestSnapshot().version());
        }
        return version;
    }

    @Override
    public TableSnapshot snapshotAt(long version) {
        return table.snapshotAt(version);
    }

    @Override
    public TableSnapshot snapshotNamed(long version) {
        return table.snapshotNamed(version);
    }

    @Override
    public String formatVersion(TableSnapshot snapshot) {
        return table.formatVersion(snapshot);
    }

    @Override
    public OptionalLong versionAsOf(Instant time) {
        OptionalLong current = table.versionAsOf(time);
        if (current.isEmpty()) {
            return current;
        }
        OptionalLong pinned = pinnedVersion();
        if (pinned.isEmpty()) {
            return pinned;
        }
        return current.getAsLong() > pinned.getAsLong() ? pinned : current;
    }

    /** The table's versions up to the pin; after it, the pinned version is the one current. */
    @Override
    public List<Long> versionsBetween(Instant from, Instant to) {
        List<Long> current = table.versionsBetween(from, to);
        OptionalLong pinned = pinnedVersion();
        if (current.isEmpty() || pinned.isEmpty()) {
            return List.of();
        }
        List<Long> versions = new ArrayList<>(
                current.stream().filter(v -> v <= pinned.getAsLong()).toList());
        if (current.get(current.size() - 1) > pinned.getAsLong()
                && (versions.isEmpty() || versions.get(versions.size() - 1) != pinned.getAsLong())) {
            versions.add(pinned.getAsLong());
        }
        return versions;
    }

    @Override
    public SnapshotChanges changes(TableSnapshot older, TableSnapshot newer) {
        return table.changes(older, newer);
    }

    @Override
    public boolean isSameVersion(TableSnapshot served, TableSnapshot latest) {
        return table.isSameVersion(served, latest);
    }

    @Override
    public String formatName() {
        return table.formatName();
    }
}
