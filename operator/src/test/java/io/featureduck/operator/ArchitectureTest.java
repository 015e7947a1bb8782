package io.featureduck.operator;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The operator's packages, and the model it shares with the data plane, have no import cycles. */
class ArchitectureTest {
    @Test
    void packagesHaveNoCycles() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.featureduck.operator", "io.featureduck.crds");
        slices().matching("io.featureduck.(**)").should().beFreeOfCycles().check(classes);
    }
}
