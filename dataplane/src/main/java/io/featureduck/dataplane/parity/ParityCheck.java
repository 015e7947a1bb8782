package io.featureduck.dataplane.parity;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.crds.AggregatedFeature;
import io.featureduck.crds.EntitySpec;
import io.featureduck.crds.FeatureSpec;
import io.featureduck.crds.ValueType;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.EntityRows;
import io.featureduck.dataplane.historical.HistoricalRetrieval;
import io.featureduck.dataplane.ondemand.OnDemandFeature;
import io.featureduck.dataplane.online.EntityKeyIndex;
import io.featureduck.dataplane.online.EntityKeys;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.LookupStatus;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.values.FeatureValues;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Checks that the online index and historical retrieval agree: for every entity of a view (or a random sample), the
 * online answer must equal the point-in-time answer as of the moment the index was loaded. They are computed by
 * different queries (latest row per key vs ASOF join), so this catches any drift between the two paths, and any data
 * that changed under an index (late rows, rewritten history).
 */
public final class ParityCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HistoricalRetrieval historical;

    public ParityCheck(HistoricalRetrieval historical) {
        this.historical = historical;
    }

    /** One entity whose online and historical values differ. */
    public record Difference(String view, String entity, String feature, Object online, Object historical) {
        @Override
        public String toString() {
            return view + " " + entity + " " + feature + ": online " + online + ", historical " + historical;
        }
    }

    /** What a check compared (entities, and the features of each, on-demand ones included) and found. */
    public record Report(String view, int entitiesChecked, List<String> features, List<Difference> differences) {
        public boolean passed() {
            return differences.isEmpty();
        }
    }

    /**
     * Compares {@code sample} entities of {@code index} (all of them when {@code sample} is 0 or larger than the
     * index) against historical retrieval as of the index's load time.
     */
    public Report check(OnlineIndex index, int sample, Path workDirectory) throws IOException {
        ViewDefinition view = index.view();
        List<Object> keys = keys(index, sample);
        List<String> features = view.servedFeatureNames();
        if (keys.isEmpty()) {
            return new Report(view.name(), 0, features, List.of());
        }
        Path rows = workDirectory.resolve("parity-" + view.name() + ".ndjson");
        long asOf = EventTime.toMicros(index.loadedAt());
        // On-demand features read request data: each entity row gets values of its own, the same both ways.
        List<Map<String, Object>> requestData = new ArrayList<>(keys.size());
        for (Object key : keys) {
            requestData.add(RequestValues.forKey(view.requestData(), key));
        }
        writeEntityRows(rows, view, keys, requestData, index.loadedAt());
        List<FeatureRef> refs =
                features.stream().map(f -> new FeatureRef(view.name(), f)).toList();
        List<Difference> differences = new ArrayList<>();
        historical.retrieve(EntityRows.of(rows), refs, false, rs -> {
            int i = 0;
            while (rs.next()) {
                Map<String, Object> request = requestData.get(i);
                Object key = keys.get(i++);
                int row = index.rowOf(key);
                boolean present = row != EntityKeyIndex.ABSENT && index.freshness(row, asOf) == LookupStatus.PRESENT;
                for (int f = 0; f < view.features().size(); f++) {
                    FeatureSpec feature = view.features().get(f);
                    Object online = present ? normalize(index.column(f).value(row), feature.type()) : null;
                    compare(
                            differences,
                            view,
                            key,
                            feature.name(),
                            online,
                            normalize(rs.getObject(feature.name()), feature.type()));
                }
                List<AggregatedFeature> aggregated = view.aggregations().features();
                for (int a = 0; a < aggregated.size(); a++) {
                    AggregatedFeature feature = aggregated.get(a);
                    // A window is not subject to the TTL: any entity with events has one.
                    Object online = row == EntityKeyIndex.ABSENT ? null : index.aggregate(a, row, asOf);
                    compare(
                            differences,
                            view,
                            key,
                            feature.name(),
                            normalize(online, feature.type()),
                            normalize(rs.getObject(feature.name()), feature.type()));
                }
                for (OnDemandFeature feature : view.onDemand()) {
                    Object online = present
                            ? normalize(
                                    feature.evaluate(
                                            name -> index.input(name, row, asOf),
                                            request::get,
                                            historical.onDemandLimits().budget()),
                                    feature.type())
                            : null;
                    compare(
                            differences,
                            view,
                            key,
                            feature.name(),
                            online,
                            normalize(rs.getObject(feature.name()), feature.type()));
                }
            }
        });
        return new Report(view.name(), keys.size(), features, differences);
    }

    private static void compare(
            List<Difference> differences,
            ViewDefinition view,
            Object key,
            String feature,
            Object online,
            Object offline) {
        if (!Objects.equals(online, offline) && !withinRounding(online, offline)) {
            differences.add(new Difference(view.name(), describe(view, key), feature, online, offline));
        }
    }

    /**
     * Whether two floating-point values differ only by rounding: sums of one window's values, added in another order
     * by DuckDB than online ({@code docs/AGGREGATIONS.md}).
     */
    static boolean withinRounding(Object online, Object offline) {
        if (online instanceof Double a && offline instanceof Double b) {
            return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
        }
        return false;
    }

    private static List<Object> keys(OnlineIndex index, int sample) {
        List<Object> all = index.keys();
        if (sample <= 0 || sample >= all.size()) {
            return all;
        }
        List<Object> shuffled = new ArrayList<>(all);
        java.util.Collections.shuffle(shuffled, new Random(42));
        return shuffled.subList(0, sample);
    }

    private static void writeEntityRows(
            Path file, ViewDefinition view, List<Object> keys, List<Map<String, Object>> requestData, Instant asOf)
            throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            for (int r = 0; r < keys.size(); r++) {
                Object key = keys.get(r);
                json.writeStartObject();
                List<?> parts = view.entities().size() == 1 ? List.of(key) : (List<?>) key;
                for (int k = 0; k < view.entities().size(); k++) {
                    EntitySpec entity = view.entities().get(k);
                    json.writeObjectField(entity.name(), EntityKeys.toJsonValue(parts.get(k), entity.type()));
                }
                for (Map.Entry<String, Object> field : requestData.get(r).entrySet()) {
                    json.writeFieldName(field.getKey());
                    FeatureValues.writeJson(field.getValue(), json);
                }
                json.writeStringField(EntityRows.TIMESTAMP_COLUMN, asOf.toString());
                json.writeEndObject();
            }
        }
    }

    private static String describe(ViewDefinition view, Object key) {
        List<?> parts = view.entities().size() == 1 ? List.of(key) : (List<?>) key;
        List<String> named = new ArrayList<>();
        for (int k = 0; k < view.entities().size(); k++) {
            EntitySpec entity = view.entities().get(k);
            named.add(entity.name() + "=" + EntityKeys.toJsonValue(parts.get(k), entity.type()));
        }
        return String.join(",", named);
    }

    /** One comparable form for values read from the index and from a JDBC result. */
    static Object normalize(Object value, ValueType type) throws java.sql.SQLException {
        if (value == null) {
            return null;
        }
        if (type.isList()) {
            JsonNode list;
            try {
                list = value instanceof String json
                        ? JSON.readTree(json)
                        : value instanceof List<?> values
                                ? JSON.readTree(FeatureValues.listJson(values))
                                : JSON.valueToTree(Arrays.stream((Object[]) ((Array) value).getArray())
                                        .map(v -> v instanceof OffsetDateTime t
                                                ? EventTime.format(EventTime.toMicros(t.toInstant()))
                                                : v)
                                        .toList());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return list.toString();
        }
        if (value instanceof Float f) return (double) f;
        if (value instanceof BigDecimal d) return d.doubleValue();
        if (value instanceof Byte || value instanceof Short || value instanceof Integer)
            return ((Number) value).longValue();
        if (value instanceof OffsetDateTime t) return t.toInstant();
        if (value instanceof Instant) return value;
        if (value instanceof java.sql.Date d) return d.toLocalDate();
        if (value instanceof byte[] bytes) return Arrays.toString(bytes);
        return value;
    }
}
