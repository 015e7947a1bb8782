package io.featureduck.dataplane.duckdb;

import io.featureduck.crds.AggregatedFeature;
import io.featureduck.dataplane.config.ViewDefinition;

/**
 * A window's SQL in historical retrieval, in either dialect: one aggregated feature over the events {@code v} joined
 * to an entity row (keys, event time in microseconds {@code __us}, inputs {@code a0...}), its window ending at the
 * row's time: {@code (end - window, end]}, the rule {@code online/WindowAggregator} applies at the request time.
 */
final class WindowSql {
    private WindowSql() {}

    /** The aggregate of {@code feature} with its declared type. */
    static String aggregate(SqlDialect dialect, ViewDefinition view, AggregatedFeature feature, String end) {
        int input = view.aggregations().inputOf(feature);
        String value = input < 0 ? null : "v.a" + input;
        String window = feature.window().isLifetime()
                ? "true"
                : "v.__us > " + end + " - " + feature.window().micros();
        String inWindow = " FILTER (WHERE " + window + ")";
        String withValue = "FILTER (WHERE " + window + " AND " + value + " IS NOT NULL)";
        String sql = switch (feature.function()) {
            case COUNT -> (value == null ? "count(*)" : "count(" + value + ")") + inWindow;
            case SUM -> "sum(" + value + ")" + inWindow;
            case AVG -> "avg(" + value + ")" + inWindow;
            case MIN -> "min(" + value + ")" + inWindow;
            case MAX -> "max(" + value + ")" + inWindow;
            case COUNT_DISTINCT -> "count(DISTINCT " + value + ")" + inWindow;
            case STDDEV -> "stddev_samp(" + value + ")" + inWindow;
            case LAST -> dialect.latest(value, "v.__us", withValue);
            case LAST_N -> dialect.latest(value, "v.__us", feature.n(), withValue);
        };
        return dialect.cast(sql, feature.type());
    }

    /**
     * An aggregated feature's answer from its aggregate {@code value}: none before the entity's first event
     * ({@code found} false), as online; after it, a window without events gives 0 for the counts and an empty list for
     * {@code last_n}.
     */
    static String answer(SqlDialect dialect, AggregatedFeature feature, String value, String found) {
        String empty = switch (feature.function()) {
            case COUNT, COUNT_DISTINCT -> "0";
            case LAST_N -> dialect.emptyList();
            default -> null;
        };
        return "CASE WHEN " + found + " THEN "
                + (empty == null ? value : "COALESCE(" + value + ", " + dialect.cast(empty, feature.type()) + ")")
                + " END";
    }
}
