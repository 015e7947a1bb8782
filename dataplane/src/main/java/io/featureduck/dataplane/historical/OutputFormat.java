package io.featureduck.dataplane.historical;

import java.util.Locale;

/** Formats historical results can be written in, by HTTP {@code Accept} header or CLI output file name. */
public enum OutputFormat {
    JSON("application/json", "FORMAT json, ARRAY true"),
    NDJSON("application/x-ndjson", "FORMAT json"),
    CSV("text/csv", "FORMAT csv, HEADER true"),
    PARQUET("application/vnd.apache.parquet", "FORMAT parquet, COMPRESSION zstd");

    private final String mediaType;
    private final String copyOptions;

    OutputFormat(String mediaType, String copyOptions) {
        this.mediaType = mediaType;
        this.copyOptions = copyOptions;
    }

    public String mediaType() {
        return mediaType;
    }

    String copyOptions() {
        return copyOptions;
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
        throw new IllegalArgumentException("cannot tell the output format from '" + fileName
                + "'; name it .parquet, .csv, .ndjson or .json");
    }
}
