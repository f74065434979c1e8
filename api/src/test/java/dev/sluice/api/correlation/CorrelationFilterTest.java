package dev.sluice.api.correlation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CorrelationFilterTest {

    @Test
    void aCallersIdInSluicesOwnFormIsKept() {
        assertThat(CorrelationFilter.correlationIdFor("req_0123456789abcdef")).isEqualTo("req_0123456789abcdef");
    }

    @Test
    void anyOtherCallersIdIsMarkedAsTheCallers() {
        assertThat(CorrelationFilter.correlationIdFor("job_0123456789abcdef0123456789abcdef"))
                .isEqualTo("client:job_0123456789abcdef0123456789abcdef");
        assertThat(CorrelationFilter.correlationIdFor("client:trace-7")).isEqualTo("client:trace-7");
    }

    @Test
    void anInsaneIdIsReplacedWithANewOne() {
        assertThat(CorrelationFilter.correlationIdFor("two words")).startsWith("req_");
        assertThat(CorrelationFilter.correlationIdFor(null)).startsWith("req_");
    }
}
