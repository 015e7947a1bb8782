package io.featureduck.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Fails unless every given Parquet file holds exactly the rows of the first, in the same order: the benchmark only
 * counts a time for FeatureDuck if its answer equals the baseline's.
 *
 * <p>Usage: {@code CompareParquet <expected.parquet> <actual.parquet>...}
 */
public final class CompareParquet {
    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            String expected = "SELECT row_number() OVER () AS rn, * FROM read_parquet('" + args[0] + "')";
            for (int i = 1; i < args.length; i++) {
                String actual = "SELECT row_number() OVER () AS rn, * FROM read_parquet('" + args[i] + "')";
                try (ResultSet rs = statement.executeQuery("SELECT (SELECT count(*) FROM (" + expected + ")), "
                        + "(SELECT count(*) FROM (" + actual + ")), (SELECT count(*) FROM ((" + expected + ") EXCEPT ("
                        + actual + ")))")) {
                    rs.next();
                    if (rs.getLong(1) != rs.getLong(2) || rs.getLong(3) != 0) {
                        throw new IllegalStateException(args[i] + " differs from " + args[0] + ": " + rs.getLong(2)
                                + " rows vs " + rs.getLong(1) + ", " + rs.getLong(3) + " rows differ");
                    }
                    System.out.println(args[i] + ": " + rs.getLong(2) + " rows, identical to the baseline");
                }
            }
        }
    }

    private CompareParquet() {}
}
