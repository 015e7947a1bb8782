package io.featureduck.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One plan run on one session: registers its table versions and entity rows, runs its SQL, writes the result. */
final class PlanRun {
    private static final String ROW = RetrievalPlan.INTERNAL_PREFIX + "row";

    private final SparkSession spark;
    private final RetrievalPlan plan;

    PlanRun(SparkSession spark, RetrievalPlan plan) {
        this.spark = spark;
        this.plan = plan;
    }

    RetrievalReport run() {
        for (RetrievalPlan.TableRead table : plan.tables()) {
            read(table).createOrReplaceTempView(table.name());
        }
        Dataset<Row> entities = numbered(entitySource());
        check(entities);
        entities.createOrReplaceTempView(RetrievalPlan.ENTITY_ROWS);
        Dataset<Row> result = spark.sql(plan.sql());
        List<Column> kept = new ArrayList<>();
        for (String column : result.columns()) {
            if (!column.startsWith(RetrievalPlan.INTERNAL_PREFIX)) {
                kept.add(result.col("`" + column.replace("`", "``") + "`"));
            }
        }
        result = result.select(kept.toArray(Column[]::new));
        String output = HadoopUris.of(plan.output().uri());
        long rows;
        if (plan.output().format() == RetrievalPlan.OutputFormat.DELTA) {
            result.write().format("delta").mode(SaveMode.ErrorIfExists).save(output);
            rows = spark.read().format("delta").load(output).count();
        } else {
            result.write().mode(SaveMode.ErrorIfExists).parquet(output);
            // Parquet counts from its footers, without reading the rows again.
            rows = spark.read().parquet(output).count();
        }
        return new RetrievalReport(rows, plan.output().uri(), plan.tables());
    }

    /** The table version {@code table} names, through Spark's reader for its format. */
    private Dataset<Row> read(RetrievalPlan.TableRead table) {
        DataFrameReader reader = spark.read();
        String uri = HadoopUris.of(table.uri());
        return switch (table.format()) {
            case DELTA ->
                reader.format("delta").option("versionAsOf", table.version()).load(uri);
            case ICEBERG ->
                table.version() == null
                        ? reader.format("iceberg").load(uri)
                        : reader.format("iceberg")
                                .option("snapshot-id", table.version())
                                .load(uri);
            case HUDI ->
                reader.format("hudi").option("as.of.instant", table.version()).load(uri);
            case PARQUET -> reader.parquet(uri);
        };
    }

    private Dataset<Row> entitySource() {
        RetrievalPlan.Entities entities = plan.entities();
        if (entities.sql() != null) {
            return spark.sql(entities.sql());
        }
        String uri = HadoopUris.of(entities.uri());
        return switch (entities.format()) {
            case PARQUET -> spark.read().parquet(uri);
            case CSV ->
                spark.read().option("header", true).option("inferSchema", true).csv(uri);
        };
    }

    /**
     * The entity rows with their position as {@code __fd_row}: the result comes back in their order. Numbered from
     * the partitions' order, which is the files' and, for a time range, the query's; the same on every recomputation,
     * unlike {@code monotonically_increasing_id} under a re-planned query.
     */
    private Dataset<Row> numbered(Dataset<Row> rows) {
        StructType schema = rows.schema().add(ROW, DataTypes.LongType, false);
        int width = rows.schema().size();
        JavaRDD<Row> numbered = rows.toJavaRDD().zipWithIndex().map(pair -> {
            Object[] values = new Object[width + 1];
            for (int i = 0; i < width; i++) {
                values[i] = pair._1().get(i);
            }
            values[width] = pair._2();
            return RowFactory.create(values);
        });
        return spark.createDataFrame(numbered, schema);
    }

    /**
     * Refuses entity rows the data plane refuses too: a column whose name the result uses for a feature or for
     * itself, or a row without one of the join keys.
     */
    private void check(Dataset<Row> entities) {
        Set<String> features = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        features.addAll(plan.features());
        Set<String> columns = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String column : entities.columns()) {
            if (!column.equals(ROW) && column.toLowerCase(Locale.ROOT).startsWith(RetrievalPlan.INTERNAL_PREFIX)) {
                throw new IllegalArgumentException(
                        "entity rows have a column named '" + column + "': names starting with __fd_ are reserved");
            }
            if (features.contains(column)) {
                throw new IllegalArgumentException("entity rows have a column named '" + column
                        + "', the name of a requested feature; rename the column or ask for full feature names");
            }
            columns.add(column);
        }
        List<Column> missing = new ArrayList<>();
        for (String key : plan.joinKeys()) {
            if (!columns.contains(key)) {
                throw new IllegalArgumentException("entity rows lack join key '" + key + "'");
            }
            missing.add(functions
                    .count(functions.when(functions.col(key).isNull(), 1))
                    .as(key));
        }
        if (!missing.isEmpty()) {
            Row counts = entities.agg(
                            missing.get(0), missing.subList(1, missing.size()).toArray(Column[]::new))
                    .first();
            for (int i = 0; i < plan.joinKeys().size(); i++) {
                if (counts.getLong(i) > 0) {
                    throw new IllegalArgumentException(counts.getLong(i) + " entity rows lack join key '"
                            + plan.joinKeys().get(i) + "' (null)");
                }
            }
        }
    }
}
