package dev.sluice.devstack.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The arrows between the modules (STYLE.md, "Modules"): common knows nothing of api, worker or devstack; api and
 * worker never use each other; only devstack uses devstack. Checked on the production classes of all four, which
 * devstack's tests see on their classpath.
 */
class ModuleRulesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sluice");
    }

    @Test
    void everyModuleIsImported() {
        for (String module : new String[]{"common", "api", "worker", "devstack"}) {
            assertThat(classes.that(resideInAPackage("dev.sluice." + module + "..")).size())
                    .as("classes of %s", module).isGreaterThan(20);
        }
    }

    @Test
    void theRulesSeeTheArrowsThereAre() {
        assertThatThrownBy(() -> check(noClasses().that().resideInAPackage("dev.sluice.devstack..")
                .should().dependOnClassesThat().resideInAPackage("dev.sluice.api..")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("dev.sluice.api.");
    }

    @Test
    void commonKnowsNoOtherModule() {
        check(noClasses().that().resideInAPackage("dev.sluice.common..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.sluice.api..", "dev.sluice.worker..", "dev.sluice.devstack.."));
    }

    @Test
    void theApiNeverUsesTheWorker() {
        check(noClasses().that().resideInAPackage("dev.sluice.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.sluice.worker.."));
    }

    @Test
    void theWorkerNeverUsesTheApi() {
        check(noClasses().that().resideInAPackage("dev.sluice.worker..")
                .should().dependOnClassesThat().resideInAPackage("dev.sluice.api.."));
    }

    @Test
    void onlyDevstackUsesDevstack() {
        check(noClasses().that().resideOutsideOfPackage("dev.sluice.devstack..")
                .should().dependOnClassesThat().resideInAPackage("dev.sluice.devstack.."));
    }

    /** A rule over no classes would pass without checking anything: that fails too. */
    private static void check(ArchRule rule) {
        rule.allowEmptyShould(false).check(classes);
    }
}
