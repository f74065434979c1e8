package dev.sluice.api.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

class IdempotencyKeyTest {

    @Test
    void noHeaderMeansNoKey() {
        assertThat(IdempotencyKey.parse(List.of())).isEmpty();
    }

    @Test
    void acceptsPrintableAsciiUpTo255Characters() {
        String longest = "k".repeat(255);

        assertThat(IdempotencyKey.parse(List.of("order 42/retry:1~"))).contains(new IdempotencyKey("order 42/retry:1~"));
        assertThat(IdempotencyKey.parse(List.of(longest))).contains(new IdempotencyKey(longest));
    }

    @Test
    void refusesAnEmptyKeyWith400NamingTheHeader() {
        assertRefused("", "Idempotency-Key: header must be 1 to 255 characters long, got 0");
    }

    @Test
    void refusesAKeyOver255Characters() {
        assertRefused("k".repeat(256), "got 256");
    }

    @Test
    void refusesControlAndNonAsciiCharacters() {
        assertRefused("tab\there", "printable ASCII");
        assertRefused("clé", "printable ASCII");
        assertRefused("del\u007f", "printable ASCII");
    }

    @Test
    void refusesTheHeaderSentTwice() {
        assertThatThrownBy(() -> IdempotencyKey.parse(List.of("a", "b")))
                .isInstanceOf(ErrorResponseException.class)
                .satisfies(failure -> assertThat(((ErrorResponseException) failure).getBody().getDetail())
                        .contains("Idempotency-Key", "2 times"));
    }

    private static void assertRefused(String value, String detail) {
        assertThatThrownBy(() -> IdempotencyKey.parse(List.of(value)))
                .isInstanceOf(ErrorResponseException.class)
                .satisfies(failure -> {
                    ErrorResponseException problem = (ErrorResponseException) failure;
                    assertThat(problem.getStatusCode().value()).isEqualTo(400);
                    assertThat(problem.getBody().getDetail()).contains(detail);
                });
    }
}
