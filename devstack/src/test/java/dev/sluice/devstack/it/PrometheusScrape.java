package dev.sluice.devstack.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code /actuator/prometheus} answer, read as series: name, labels, value. Enough for the tests' questions. */
record PrometheusScrape(String text, List<Series> series) {

    record Series(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("GET " + uri + " failed", e);
        }
    }

    static PrometheusScrape of(URI base) {
        HttpResponse<String> response = get(base.resolve("/actuator/prometheus"));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("scrape of " + base + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    static PrometheusScrape parse(String text) {
        List<Series> series = text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).map(line -> {
            Matcher matcher = LINE.matcher(line.strip());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (matcher.group(3) != null) {
                Matcher label = LABEL.matcher(matcher.group(3));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            return new Series(matcher.group(1), labels, Double.parseDouble(matcher.group(4)));
        }).toList();
        return new PrometheusScrape(text, series);
    }

    /** The sum of the series of {@code name} whose labels include {@code labels} (key, value, key, value, ...). */
    double sum(String name, String... labels) {
        return series.stream().filter(one -> one.name().equals(name) && matches(one, labels))
                .mapToDouble(Series::value).sum();
    }

    boolean has(String name, String... labels) {
        return series.stream().anyMatch(one -> one.name().equals(name) && matches(one, labels));
    }

    private static boolean matches(Series one, String[] labels) {
        for (int index = 0; index + 1 < labels.length; index += 2) {
            if (!labels[index + 1].equals(one.labels().get(labels[index]))) {
                return false;
            }
        }
        return true;
    }
}
