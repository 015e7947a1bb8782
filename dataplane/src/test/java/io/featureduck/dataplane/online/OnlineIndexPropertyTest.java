package io.featureduck.dataplane.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.FeatureStore;
import io.featureduck.crds.FeatureStoreSpec;
import io.featureduck.crds.FeatureViewSpec;
import io.featureduck.crds.LakehouseSpec;
import io.featureduck.crds.OnDemandFeatureSpec;
import io.featureduck.crds.RequestFieldSpec;
import io.featureduck.crds.TableFormat;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.RandomHistory;
import io.featureduck.dataplane.RandomHistory.Row;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.TableLocation;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import io.featureduck.dataplane.parity.ParityCheck;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.hadoop.conf.Configuration;

/**
 * Online lookups equal a naive reading of the definition: for each key, the row with the greatest event time (ties:
 * greatest created time, a missing created time losing), served only if not older than now minus the TTL. Histories
 * are random, written as real Delta tables over one to three commits, with ties, nulls and TTL edges.
 */
class OnlineIndexPropertyTest {
    private static final Engine ENGINE = DefaultEngine.create(new Configuration());
    private static final Duration TTL = Duration.ofHours(24);
    /** Now is BASE + 40h, so rows at hour 16 sit exactly on the TTL edge. */
    private static final Instant NOW = RandomHistory.BASE.plus(Duration.ofHours(40));

    private static final List<Path> CREATED = new ArrayList<>();

    @Provide
    Arbitrary<List<List<Row>>> histories() {
        // Hour 16 is exactly on the TTL edge, 15 just past it.
        return RandomHistory.commits(7, Arbitraries.of(0, 8, 15, 16, 17, 30, 40), 60);
    }

    @Property(tries = 25)
    void lookupsEqualLatestRowPerEntityWithinTtl(@ForAll("histories") List<List<Row>> commits) throws IOException {
        List<List<Row>> unique = RandomHistory.withoutAmbiguousDuplicates(commits);
        Path table = Files.createTempDirectory("featureduck-property");
        CREATED.add(table);
        RandomHistory.writeDeltaTable(table.resolve("t"), unique);

        // On-demand features over the stored value and request data, so the parity check below covers them too:
        // arithmetic, a comparison, and a conversion that fails for large values (null on both paths).
        List<RequestFieldSpec> request = List.of(
                new RequestFieldSpec("factor", ValueType.FLOAT64),
                new RequestFieldSpec("offset", ValueType.INT64),
                new RequestFieldSpec("prefix", ValueType.STRING));
        FeatureViewSpec spec = new FeatureViewSpec(
                "s",
                null,
                List.of(new EntitySpec("k", ValueType.INT64)),
                List.of(new FeatureSpec("v", ValueType.FLOAT64)),
                null,
                null,
                null,
                null,
                List.of(
                        new OnDemandFeatureSpec(
                                "scaled", ValueType.FLOAT64, "v * request.factor + double(request.offset)"),
                        new OnDemandFeatureSpec("above", ValueType.BOOL, "v > request.factor"),
                        new OnDemandFeatureSpec("label", ValueType.STRING, "request.prefix + string(int(v * 1e15))")),
                request);
        ViewDefinition view = new ViewDefinition(
                "prop",
                TableFormat.DELTA,
                new TableLocation(table.resolve("t")),
                "ts",
                "created",
                spec.entities(),
                spec.features(),
                Optional.of(TTL),
                true,
                Optional.empty(),
                OnDemandFeature.compile(spec),
                request,
                Optional.empty(),
                Optional.empty());
        OnlineIndex index = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC))
                .load(view, new TableSourceFactory().forView(view));

        Map<Long, Row> expected =
                reference(unique.stream().flatMap(List::stream).toList());
        assertThat(index.size()).isEqualTo(expected.size());
        long nowMicros = EventTime.toMicros(NOW);
        for (long key = -1; key <= 8; key++) {
            int row = index.rowOf(key);
            Row latest = expected.get(key);
            if (latest == null) {
                assertThat(row).as("key %d", key).isEqualTo(EntityKeyIndex.ABSENT);
                continue;
            }
            assertThat(row).as("key %d", key).isNotEqualTo(EntityKeyIndex.ABSENT);
            assertThat(EventTime.toInstant(index.eventMicros(row))).isEqualTo(latest.eventTime());
            assertThat(index.column(0).value(row)).as("value of key %d", key).isEqualTo(latest.value());
            LookupStatus status =
                    latest.eventTime().isBefore(NOW.minus(TTL)) ? LookupStatus.OUTSIDE_MAX_AGE : LookupStatus.PRESENT;
            assertThat(index.freshness(row, nowMicros))
                    .as("status of key %d", key)
                    .isEqualTo(status);
        }

        // And historical retrieval as of the load time agrees with every online answer.
        ServingConfig config = new ServingConfig(
                table.resolve("store.yaml"),
                FeatureStore.of(
                        "s", new FeatureStoreSpec(new LakehouseSpec(TableFormat.DELTA, table.toString()), null)),
                List.of(view));
        ParityCheck.Report parity = new ParityCheck(
                        new HistoricalRetrieval(config, new TableSourceFactory(), DuckDbSettings.defaults()))
                .check(index, 0, Files.createTempDirectory(table, "parity"));
        assertThat(parity.features()).containsExactly("v", "scaled", "above", "label");
        assertThat(parity.differences()).isEmpty();
    }

    /** The naive reference: scan every row, keep the latest per key. */
    private static Map<Long, Row> reference(List<Row> rows) {
        Map<Long, Row> latest = new HashMap<>();
        for (Row row : rows) {
            latest.merge(row.key(), row, (a, b) -> RandomHistory.LATEST_LAST.compare(a, b) >= 0 ? a : b);
        }
        return latest;
    }

    @AfterContainer
    static void deleteTables() throws IOException {
        for (Path table : CREATED) {
            RandomHistory.deleteRecursively(table);
        }
    }
}
