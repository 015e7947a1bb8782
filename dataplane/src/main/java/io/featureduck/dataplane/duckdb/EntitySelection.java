package io.featureduck.dataplane.duckdb;

/** Which entity rows a historical request joins features to: rows it sends ({@link EntityRows}) or a time range. */
public sealed interface EntitySelection permits EntityRows, EventRange {}
