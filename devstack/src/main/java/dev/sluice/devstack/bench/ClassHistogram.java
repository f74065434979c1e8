package dev.sluice.devstack.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live objects per class in another JVM ({@code GC.class_histogram}, which collects first), and which classes grew
 * between two histograms: the first place to look when heap after GC grows.
 */
final class ClassHistogram {

    /** One class: instances and bytes. */
    record Entry(long instances, long bytes) {
    }

    /** "   1:        219387       18283288  [B (java.base@17.0.15)" */
    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private ClassHistogram() {
    }

    static Map<String, Entry> take(long pid) throws IOException, InterruptedException {
        return parse(Jcmd.run(pid, "GC.class_histogram"));
    }

    static Map<String, Entry> parse(String histogram) {
        Map<String, Entry> classes = new LinkedHashMap<>();
        for (String line : histogram.split("\n")) {
            Matcher entry = LINE.matcher(line);
            if (entry.find()) {
                classes.merge(entry.group(3), new Entry(Long.parseLong(entry.group(1)), Long.parseLong(entry.group(2))),
                        (one, other) -> new Entry(one.instances() + other.instances(), one.bytes() + other.bytes()));
            }
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("not GC.class_histogram output: " + histogram.strip());
        }
        return classes;
    }

    /** The {@code limit} classes whose bytes grew most from {@code before} to {@code after}, one line each. */
    static List<String> largestGrowth(Map<String, Entry> before, Map<String, Entry> after, int limit) {
        record Growth(String className, long instances, long bytes) {
        }
        List<Growth> growth = new ArrayList<>();
        after.forEach((className, entry) -> {
            Entry earlier = before.getOrDefault(className, new Entry(0, 0));
            if (entry.bytes() > earlier.bytes()) {
                growth.add(new Growth(className, entry.instances() - earlier.instances(),
                        entry.bytes() - earlier.bytes()));
            }
        });
        growth.sort(Comparator.comparingLong(Growth::bytes).reversed());
        return growth.stream().limit(limit).map(grown -> String.format(Locale.ROOT, "%+,12d bytes %+,10d instances  %s",
                grown.bytes(), grown.instances(), grown.className())).toList();
    }
}
