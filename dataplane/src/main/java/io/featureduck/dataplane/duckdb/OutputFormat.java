package io.featureduck.dataplane.duckdb;

import java.util.Locale;

/** Formats historical results can be written in, by HTTP {@code Accept} header or CLI output file name. */
public enum OutputFormat {
    JSON("application/json"),
    NDJSON("application/x-ndjson"),
    CSV("text/csv"),
    PARQUET("application/vnd.apache.parquet");

    private final String mediaType;

    OutputFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format an {@code Accept} header asks for; JSON when it names none of ours. */
    public static OutputFormat forAccept(String accept) {
        String wanted = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
        for (OutputFormat format : values()) {
            if (wanted.contains(format.mediaType)) {
                return format;
            }
        }
        if (wanted.contains("parquet")) {
            return PARQUET;
        }
        return JSON;
    }

    /** The format an output file's name implies. */
    public static OutputFormat forFile(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) return PARQUET;
        if (name.endsWith(".csv")) return CSV;
        if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) return NDJSON;
        if (name.endsWith(".json")) return JSON;
        throw new IllegalArgumentException(
                "cannot tell the output format from '" + fileName + "'; name it .parquet, .csv, .ndjson or .json");
    }
}
