package io.featureduck.spark;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job on a local Spark, in a JVM of its own: how this project's tests and benchmarks run it outside a cluster.
 * The classpath is Spark's and its readers' as the build lists them ({@code spark/target/job-classpath.txt}), as a
 * Spark image holds them; the JVM is opened up as Spark's launcher opens it on Java 17.
 */
public final class LocalSpark {
    /** The packages Spark reaches into on Java 17, as Spark's launcher opens them ({@code JavaModuleOptions}). */
    private static final List<String> OPENS = List.of(
            "java.lang",
            "java.lang.invoke",
            "java.lang.reflect",
            "java.io",
            "java.net",
            "java.nio",
            "java.util",
            "java.util.concurrent",
            "java.util.concurrent.atomic",
            "sun.nio.ch",
            "sun.nio.cs",
            "sun.security.action",
            "sun.util.calendar");

    private LocalSpark() {}

    /**
     * {@code LocalSpark <classpath file> <cores> <heap> <job arguments>...}: runs the job locally with this process's
     * standard streams, and exits with its status (the benchmarks' way to run it).
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: LocalSpark <classpath file> <cores> <heap> (--plan <file>)...");
        }
        Process job = new ProcessBuilder(command(
                        Path.of(args[0]),
                        Integer.parseInt(args[1]),
                        args[2],
                        List.of(args).subList(3, args.length)))
                .inheritIO()
                .start();
        System.exit(job.waitFor());
    }

    /**
     * The command running {@link RetrievalJob} with {@code args} on {@code cores} local cores and {@code heap} of
     * memory ({@code 2g}), Spark's classpath read from {@code classpathFile}.
     */
    public static List<String> command(Path classpathFile, int cores, String heap, List<String> args)
            throws IOException {
        String classpath;
        try {
            classpath = Files.readString(classpathFile).trim()
                    + File.pathSeparator
                    + Path.of(RetrievalJob.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI());
        } catch (URISyntaxException e) {
            throw new IOException("the job's own location is not a path", e);
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-Dspark.master=local[" + cores + "]",
                "-Dspark.ui.enabled=false",
                // A few tasks per core: small enough to spill rather than fail, few enough for small tests.
                "-Dspark.sql.shuffle.partitions=" + cores * 8));
        OPENS.forEach(open -> command.add("--add-opens=java.base/" + open + "=ALL-UNNAMED"));
        command.addAll(List.of("-cp", classpath, RetrievalJob.class.getName()));
        command.addAll(args);
        return command;
    }

    /** The report lines ({@code featureduck-retrieval-report <json>}) in the job's output, as JSON. */
    public static List<String> reports(String output) {
        String prefix = RetrievalJob.REPORT_PREFIX;
        return output.lines()
                .filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()))
                .toList();
    }
}
