package dev.sluice.devstack.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What Linux says about a process: live threads and resident memory from {@code /proc/<pid>/status}, and its open
 * file descriptors from {@code /proc/<pid>/fd}, of which {@code socket:[inode]} links are sockets (TCP, UDP and unix).
 *
 * @param threads    the {@code Threads:} line
 * @param rssKib     the {@code VmRSS:} line, in KiB
 * @param openFiles  entries of {@code /proc/<pid>/fd}
 * @param sockets    those of them that are sockets
 */
record ProcessFigures(long threads, long rssKib, int openFiles, int sockets) {

    static ProcessFigures read(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String status = Files.readString(proc.resolve("status"));
            List<String> targets = linkTargets(proc.resolve("fd"));
            return new ProcessFigures(statusField(status, "Threads"), statusField(status, "VmRSS"), targets.size(),
                    countSockets(targets));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc + " (Linux only; is the process alive?)", e);
        }
    }

    /** The number on a line {@code Name:\t 1234 kB} of {@code /proc/<pid>/status}; the unit is left out. */
    static long statusField(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name + ":")) {
                String value = line.substring(name.length() + 1).strip();
                int space = value.indexOf(' ');
                return Long.parseLong(space < 0 ? value : value.substring(0, space));
            }
        }
        throw new IllegalArgumentException("no " + name + ": line in /proc status");
    }

    static int countSockets(List<String> linkTargets) {
        return (int) linkTargets.stream().filter(target -> target.startsWith("socket:")).count();
    }

    /** A descriptor closed between listing and reading is skipped: it is gone, so it does not count. */
    private static List<String> linkTargets(Path fdDirectory) throws IOException {
        List<String> targets = new ArrayList<>();
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(fdDirectory)) {
            for (Path descriptor : descriptors) {
                try {
                    targets.add(Files.readSymbolicLink(descriptor).toString());
                } catch (NoSuchFileException closed) {
                    // closed meanwhile
                }
            }
        }
        return targets;
    }
}
