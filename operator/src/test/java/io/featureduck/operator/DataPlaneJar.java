package io.featureduck.operator;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The data-plane jar the tests that run a real data-plane process start: the one the dataplane module packaged (or
 * {@code -Dfeatureduck.dataplane.jar}). {@code mvn verify} from the root builds it first; a run of the operator
 * module alone ({@code mvn -pl operator -am verify}) does not, and those tests are skipped saying so.
 */
final class DataPlaneJar {
    private DataPlaneJar() {}

    static Path path() {
        Path jar = Path.of(System.getProperty("featureduck.dataplane.jar", "../dataplane/target/featureduck.jar"));
        Assumptions.assumeTrue(
                Files.isRegularFile(jar),
                "no data-plane jar at " + jar + ": run mvn verify from the root, or mvn -pl dataplane -am package "
                        + "first, to run the tests that start a data-plane process");
        return jar;
    }
}
