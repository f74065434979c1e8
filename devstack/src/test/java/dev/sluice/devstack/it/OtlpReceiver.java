package dev.sluice.devstack.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for an OpenTelemetry collector: takes OTLP/HTTP protobuf exports ({@code POST /v1/traces}) and keeps
 * their spans, flattened, for a test to look through.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One span as received: its process's service name, ids in hex, kind and attributes as text. */
    record ReceivedSpan(String service, String name, Span.SpanKind kind, String traceId, String spanId,
                        String parentSpanId, Map<String, String> attributes) {

        String attribute(String key) {
            return attributes.get(key);
        }
    }

    private static final HexFormat HEX = HexFormat.of();
    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
        server.createContext("/v1/traces", this::export);
        server.start();
    }

    /** On {@code port} (0: any free one). */
    static OtlpReceiver start(int port) throws IOException {
        return new OtlpReceiver(HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0));
    }

    /** On the OTLP/HTTP default port 4318 when it is free, else on any free port. */
    static OtlpReceiver onTheDefaultPortIfFree() throws IOException {
        try {
            return start(4318);
        } catch (BindException taken) {
            return start(0);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    List<ReceivedSpan> spansOfJob(String jobId) {
        return spans.stream().filter(span -> jobId.equals(span.attribute("sluice.job_id"))).toList();
    }

    List<ReceivedSpan> spansOfTrace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    private void export(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                String service = text(attributes(resourceSpans.getResource()).get("service.name"));
                for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                    for (Span span : scopeSpans.getSpansList()) {
                        spans.add(flatten(service, span));
                    }
                }
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private static ReceivedSpan flatten(String service, Span span) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (KeyValue attribute : span.getAttributesList()) {
            attributes.put(attribute.getKey(), text(attribute.getValue()));
        }
        return new ReceivedSpan(service, span.getName(), span.getKind(), HEX.formatHex(span.getTraceId().toByteArray()),
                HEX.formatHex(span.getSpanId().toByteArray()), HEX.formatHex(span.getParentSpanId().toByteArray()),
                Map.copyOf(attributes));
    }

    private static Map<String, AnyValue> attributes(Resource resource) {
        Map<String, AnyValue> attributes = new LinkedHashMap<>();
        resource.getAttributesList().forEach(attribute -> attributes.put(attribute.getKey(), attribute.getValue()));
        return attributes;
    }

    private static String text(AnyValue value) {
        if (value == null) {
            return null;
        }
        switch (value.getValueCase()) {
            case STRING_VALUE:
                return value.getStringValue();
            case INT_VALUE:
                return Long.toString(value.getIntValue());
            case BOOL_VALUE:
                return Boolean.toString(value.getBoolValue());
            case DOUBLE_VALUE:
                return Double.toString(value.getDoubleValue());
            default:
                return value.toString().trim();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
