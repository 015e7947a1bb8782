package io.featureduck.dataplane;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.featureduck.dataplane.error.Redaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The layering docs/ARCHITECTURE.md describes, checked on every build. */
class ArchitectureTest {
    /** SQL as it appears in string literals: statements, table functions and casts (what error messages hide). */
    private static final Pattern SQL = Redaction.SQL;
    private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");

    @Test
    void packagesHaveNoCycles() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.featureduck");
        slices().matching("io.featureduck.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyTheDuckDbPackageHoldsSql() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../crds/src/main/java"),
                Path.of("../operator/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String path = file.toString().replace('\\', '/');
                    // DuckDB is where SQL lives; the demo's sample-data generator writes its tables with SQL too.
                    // Redaction holds the pattern that recognises SQL, to keep it out of messages.
                    if (path.contains("/dataplane/duckdb/") || path.contains("/dataplane/demo/")
                            || path.endsWith("/dataplane/error/Redaction.java")) {
                        continue;
                    }
                    Matcher literal = STRING_LITERAL.matcher(Files.readString(file));
                    while (literal.find()) {
                        if (SQL.matcher(literal.group()).find()) {
                            offenders.add(path + ": " + literal.group());
                        }
                    }
                }
            }
        }
        assertThat(offenders).as("SQL text outside dataplane/duckdb").isEmpty();
    }

    @Test
    void theSqlCheckFindsSql() {
        assertThat(SQL.matcher("\"SELECT count(*) FROM latest\"").find()).isTrue();
        assertThat(SQL.matcher("\"feature view 'x' is not served here\"").find()).isFalse();
    }
}
