package dev.sluice.common.correlation;

/** MDC keys printed on every log line (see the logging pattern). Set at the edges only, cleared in finally. */
public final class Correlation {

    public static final String JOB_ID = "job_id";
    public static final String TENANT_ID = "tenant_id";
    /** The id of one HTTP exchange: a job or batch id once the request names or creates one. */
    public static final String CORRELATION_ID = "correlation_id";
    public static final String HEADER = "X-Correlation-ID";
    /** The W3C trace and span ids of the span a line was logged under (tracing on, or a caller's traceparent). */
    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";

    private Correlation() {
    }
}
