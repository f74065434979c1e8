package dev.sluice.api.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class IdempotencyPropertiesTest {

    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();
    private static final Validator VALIDATOR = VALIDATION.getValidator();

    @AfterAll
    static void close() {
        VALIDATION.close();
    }

    @Test
    void aDayIsAValidRetention() {
        assertThat(VALIDATOR.validate(new IdempotencyProperties(Duration.ofHours(24), Duration.ofMinutes(10)))).isEmpty();
    }

    @Test
    void refusesAZeroOrMissingRetention() {
        assertThat(invalidFields(new IdempotencyProperties(Duration.ZERO, Duration.ofMinutes(10)))).containsExactly("retention");
        assertThat(invalidFields(new IdempotencyProperties(null, Duration.ofMinutes(10)))).containsExactly("retention");
    }

    @Test
    void refusesANegativeCleanupInterval() {
        assertThat(invalidFields(new IdempotencyProperties(Duration.ofHours(24), Duration.ofMinutes(-1))))
                .containsExactly("cleanupInterval");
    }

    private static Set<String> invalidFields(IdempotencyProperties properties) {
        return VALIDATOR.validate(properties).stream()
                .map(ConstraintViolation::getPropertyPath)
                .map(Object::toString)
                .collect(Collectors.toSet());
    }
}
