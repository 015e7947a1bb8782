package io.featureduck.dataplane.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Feature expressions: one value per row, from the row's own columns, through allowed functions only. */
class ExpressionValidatorTest {
    private static final Set<String> COLUMNS = Set.of("a", "b", "name", "ts", "tags");
    private static DuckDbSession session;

    @BeforeAll
    static void open() {
        session = DuckDbSession.open(DuckDbSettings.defaults(), List.of());
    }

    @AfterAll
    static void close() {
        session.close();
    }

    private static Optional<String> problem(String expression) {
        return ExpressionValidator.problem(session, expression, COLUMNS);
    }

    @Test
    void everydayFeatureArithmeticIsAccepted() {
        for (String expression : List.of(
                "a / 24.0",
                "a * 7",
                "-a",
                "a > 0.8 AND b > 0.8",
                "coalesce(a, b, 0)",
                "CASE WHEN a > 1 THEN 'high' ELSE 'low' END",
                "a::INTEGER",
                "TRY_CAST(name AS BIGINT)",
                "EXTRACT(hour FROM ts)",
                "date_trunc('day', ts)",
                "lower(name) || '_x'",
                "name LIKE 'a%'",
                "a IN (1, 2, 3)",
                "a BETWEEN 1 AND 2",
                "list_transform(tags, t -> upper(t))",
                "len(tags)",
                "greatest(a, b)",
                "round(a, 2)",
                "hash(name)",
                "b IS NULL",
                "NOT (a > 1)")) {
            assertThat(problem(expression)).as(expression).isEmpty();
        }
    }

    @Test
    void functionsOfTheEnvironmentTheSessionOrTheClockAreRefused() {
        for (String expression : List.of(
                "current_setting('threads')",
                "current_query()",
                "getenv('HOME')",
                "now()",
                "random()",
                "uuid()",
                "version()",
                "current_database()",
                "pg_typeof(a)",
                "read_text('/etc/passwd')",
                "main.lower(name)")) {
            assertThat(problem(expression))
                    .as(expression)
                    .hasValueSatisfying(p -> assertThat(p).contains("not a function feature expressions may use"));
        }
        // Bare names DuckDB would bind to the session, not to a column.
        for (String expression : List.of("current_date", "current_user", "current_schema")) {
            assertThat(problem(expression))
                    .as(expression)
                    .hasValueSatisfying(p -> assertThat(p).contains("not a column of the table"));
        }
    }

    @Test
    void setReturningAggregateAndStarExpressionsAreRefused() {
        assertThat(problem("unnest(tags)"))
                .hasValueSatisfying(p -> assertThat(p).contains("'unnest'"));
        assertThat(problem("generate_series(1, 3)")).isPresent();
        assertThat(problem("range(3)")).isPresent();
        assertThat(problem("sum(a)")).hasValueSatisfying(p -> assertThat(p).contains("'sum'"));
        assertThat(problem("COLUMNS(*)")).hasValueSatisfying(p -> assertThat(p).contains("COLUMNS"));
        assertThat(problem("*")).isPresent();
        assertThat(problem("COLUMNS('a.*') + 1")).isPresent();
        assertThat(problem("(SELECT 1)")).hasValueSatisfying(p -> assertThat(p).contains("subquery"));
        assertThat(problem("row_number() OVER ()")).isPresent();
        assertThat(problem("missing_column + 1"))
                .hasValueSatisfying(p -> assertThat(p).contains("'missing_column'"));
    }
}
