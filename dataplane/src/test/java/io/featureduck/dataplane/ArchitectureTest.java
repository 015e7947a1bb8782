package io.featureduck.dataplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import io.featureduck.dataplane.error.Redaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The layering docs/ARCHITECTURE.md describes, checked on every build. */
class ArchitectureTest {
    /** SQL as it appears in string literals: statements, table functions and casts (what error messages hide). */
    private static final Pattern SQL = Redaction.SQL;

    private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");

    @Test
    void packagesHaveNoCycles() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.featureduck");
        slices().matching("io.featureduck.(**)").should().beFreeOfCycles().check(classes);
    }

    /**
     * The layering table of docs/ARCHITECTURE.md, read from the document itself: each data-plane package may use only
     * the packages its row names (and anything outside the data plane: the JDK, libraries, {@code crds}).
     */
    @Test
    void packagesUseOnlyWhatTheLayeringTableAllows() throws IOException {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(DATAPLANE);
        Map<String, Set<String>> table = layering(Files.readString(Path.of("../docs/ARCHITECTURE.md")));
        assertThat(table).as("the layering table").containsKeys("error", "config", "lookup", "grpc");
        layeringRule(table).check(classes);
    }

    /** The check itself fails on a class that uses a package its row does not name. */
    @Test
    void theLayeringCheckFindsAViolation() throws IOException {
        JavaClasses violation =
                new ClassFileImporter().importClasses(io.featureduck.dataplane.error.LayeringViolationFixture.class);
        Map<String, Set<String>> table = layering(Files.readString(Path.of("../docs/ARCHITECTURE.md")));
        assertThatThrownBy(() -> layeringRule(table).check(violation))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LayeringViolationFixture")
                .hasMessageContaining("dataplane.http");
    }

    private static final String DATAPLANE = "io.featureduck.dataplane";
    private static final Pattern NAME = Pattern.compile("`([a-z]+)`");

    /** Package to the packages it may use; "everything" rows are left out (they may use anything). */
    static Map<String, Set<String>> layering(String document) {
        String section = document.substring(document.indexOf("## Layering"));
        section = section.substring(0, section.indexOf("\n## ", 3));
        Map<String, Set<String>> table = new LinkedHashMap<>();
        for (String line : section.lines().filter(l -> l.startsWith("| `")).toList()) {
            String[] cells = line.split("\\|");
            String mayUse = cells[3].trim();
            if (mayUse.startsWith("everything")) {
                continue;
            }
            Set<String> allowed = new LinkedHashSet<>();
            Matcher used = NAME.matcher(mayUse);
            while (used.find()) {
                allowed.add(used.group(1));
            }
            Matcher packages = NAME.matcher(cells[1]);
            while (packages.find()) {
                table.put(packages.group(1), allowed);
            }
        }
        return table;
    }

    private static ArchRule layeringRule(Map<String, Set<String>> table) {
        Set<String> all = new LinkedHashSet<>(table.keySet());
        all.addAll(List.of("http", "cli", "demo", "grpc"));
        List<ArchRule> rules = new ArrayList<>();
        table.forEach((pkg, allowed) -> {
            List<String> forbidden = new ArrayList<>();
            forbidden.add(DATAPLANE);
            all.stream()
                    .filter(other -> !other.equals(pkg) && !allowed.contains(other))
                    .forEach(other -> forbidden.add(DATAPLANE + "." + other + ".."));
            rules.add(noClasses()
                    .that()
                    .resideInAPackage(DATAPLANE + "." + pkg + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(forbidden.toArray(String[]::new))
                    .as("package " + pkg + " uses only " + allowed + " (docs/ARCHITECTURE.md, Layering)")
                    .allowEmptyShould(true));
        });
        return CompositeArchRule.of(rules);
    }

    @Test
    void onlyTheDuckDbPackageHoldsSql() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(
                Path.of("src/main/java"), Path.of("../crds/src/main/java"), Path.of("../operator/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String path = file.toString().replace('\\', '/');
                    // DuckDB is where SQL lives; the demo's sample-data generator writes its tables with SQL too.
                    // Redaction holds the pattern that recognises SQL, to keep it out of messages.
                    if (path.contains("/dataplane/duckdb/")
                            || path.contains("/dataplane/demo/")
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
        assertThat(SQL.matcher("\"feature view 'x' is not served here\"").find())
                .isFalse();
    }
}
