package io.featureduck.spark;

import java.util.List;

/**
 * What a finished retrieval reports: how many rows it wrote, where, and exactly which table versions it read. The job
 * prints it as one JSON line and writes it as the driver container's termination message, where the operator reads
 * it into the HistoricalRetrieval's status.
 */
public record RetrievalReport(long rows, String output, List<RetrievalPlan.TableRead> tables) {
    public RetrievalReport {
        tables = List.copyOf(tables);
    }
}
