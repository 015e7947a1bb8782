package io.featureduck.dataplane.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.featureduck.dataplane.EveryValueType;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index assembled for one request from rows another shard sent holds every value bit for bit as the sending
 * shard's index does, for every value type (fixed-width values travel as their bits, the others as their stored
 * bytes), says which table versions it was assembled from, and marks the keys whose shard could not be asked.
 */
class AssembledIndexTest {
    @TempDir
    Path directory;

    @Test
    void rowsTravelledAsBitsAndBytesEqualTheSendersValuesOfEveryType() throws Exception {
        Path file = EveryValueType.write(directory, "{auth: {type: none}}");
        ServingConfig config = new ServingConfigLoader().load(file);
        ViewDefinition view = config.views().get(0);
        OnlineIndex sender = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC())
                .load(view, new TableSourceFactory().forView(view));

        AssembledIndex assembled = new AssembledIndex(sender, 5);
        for (long id = 1; id <= 4; id++) {
            int from = sender.rowOf(id);
            int row = assembled.add(id, sender.eventMicros(from));
            for (int f = 0; f < view.features().size(); f++) {
                FeatureColumn column = sender.column(f);
                if (column.isNull(from)) {
                    continue;
                }
                if (column.isFixedWidth()) {
                    assembled.column(f).putBits(row, column.bits(from));
                } else {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    column.bytes(from, bytes::write);
                    assembled.column(f).putBytes(row, bytes.toByteArray());
                }
            }
        }
        assembled.version(sender.tableVersion() + 1);
        assembled.unavailable(99L);
        OnlineIndex index = assembled.build();

        for (long id = 1; id <= 4; id++) {
            int expected = sender.rowOf(id);
            int actual = index.rowOf(id);
            assertThat(index.eventMicros(actual)).isEqualTo(sender.eventMicros(expected));
            for (int f = 0; f < view.features().size(); f++) {
                Object want = sender.value(f, expected);
                Object got = index.value(f, actual);
                assertThat(got instanceof byte[] b ? Arrays.toString(b) : got)
                        .as("id %d, feature %s", id, view.features().get(f).name())
                        .isEqualTo(want instanceof byte[] b ? Arrays.toString(b) : want);
                assertThat(index.column(f).isNull(actual))
                        .isEqualTo(sender.column(f).isNull(expected));
            }
            assertThat(index.freshness(actual, Long.MAX_VALUE / 2)).isEqualTo(LookupStatus.PRESENT);
        }
        assertThat(index.freshness(index.rowOf(99L), 0)).isEqualTo(LookupStatus.UNAVAILABLE);
        assertThat(index.holding().versions())
                .as("two shards answered from different versions")
                .isEqualTo(List.of(sender.tableVersion(), sender.tableVersion() + 1));
    }
}
