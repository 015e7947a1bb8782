package io.featureduck.dataplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Copies of the shared tables that tests may change: the shared folder itself stays read-only. */
public final class TableCopies {
    private TableCopies() {}

    /** Copies the directory tree {@code from} to {@code to}. */
    public static void copy(Path from, Path to) throws IOException {
        copy(from, to, file -> true);
    }

    /** Copies the directory tree {@code from} to {@code to}, every directory and the files {@code include} accepts. */
    public static void copy(Path from, Path to, Predicate<Path> include) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.sorted().toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (include.test(source)) {
                    Files.copy(source, target);
                }
            }
        }
    }
}
