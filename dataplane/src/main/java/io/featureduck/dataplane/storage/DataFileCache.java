package io.featureduck.dataplane.storage;

import io.featureduck.crds.location.ObjectPath;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Local copies of the object-store files DuckDB reads, since DuckDB reads local files only here (its httpfs
 * extension cannot be relied on). Files a table version needs are fetched in parallel before DuckDB opens them and
 * stay pinned until that work is done; then they remain cached for the next refresh or historical query, until room
 * is needed and the least recently used unpinned ones are evicted.
 *
 * <p>Entries are keyed by the object's URI and its version (ETag or generation) as the store reports it when the
 * file is asked for, so a file rewritten under the same name is fetched again rather than served stale. The key is
 * the file's name, so a restarted data plane finds its earlier copies again.
 */
public final class DataFileCache implements AutoCloseable {
    private static final String SUFFIX = ".parquet";

    private final Path directory;
    private final long maxBytes;
    private final ObjectStores stores;
    private final ExecutorService fetchers;
    /** Access-ordered, so iteration starts at the least recently used entry. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    private final Map<String, CompletableFuture<Entry>> fetching = new java.util.HashMap<>();
    private long cachedBytes;
    private long reservedBytes;

    private final Counter hits;
    private final Counter misses;
    private final Counter fetchedBytes;
    private final Counter evictions;
    private final Timer fetchTime;

    /** One cached file and how many pieces of work are reading it. */
    private static final class Entry {
        final String key;
        final Path file;
        final long size;
        int pins;

        Entry(String key, Path file, long size) {
            this.key = key;
            this.file = file;
            this.size = size;
        }
    }

    /**
     * @param directory   where copies are kept; files of earlier runs found there are deleted
     * @param maxBytes    most bytes kept; work needing more pinned at once fails with a message saying so
     * @param parallelism concurrent downloads
     */
    public DataFileCache(Path directory, long maxBytes, ObjectStores stores, int parallelism, MeterRegistry meters) {
        this.directory = directory.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.stores = stores;
        AtomicInteger threads = new AtomicInteger();
        // Without object stores nothing is ever fetched: no threads to start, or to leave running.
        this.fetchers = stores == null
                ? null
                : Executors.newFixedThreadPool(parallelism, r -> {
                    Thread thread = new Thread(r, "file-fetch-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        hits = Counter.builder("featureduck_file_cache_requests")
                .tag("result", "hit")
                .description("Data files asked of the local file cache")
                .register(meters);
        misses = Counter.builder("featureduck_file_cache_requests")
                .tag("result", "miss")
                .description("Data files asked of the local file cache")
                .register(meters);
        fetchedBytes = Counter.builder("featureduck_file_cache_fetched_bytes")
                .description("Bytes downloaded from object stores into the file cache")
                .register(meters);
        evictions = Counter.builder("featureduck_file_cache_evictions")
                .description("Cached files deleted to make room")
                .register(meters);
        fetchTime = Timer.builder("featureduck_file_cache_fetch")
                .publishPercentiles(0.5, 0.99)
                .description("Time to download one file from an object store")
                .register(meters);
        Gauge.builder("featureduck_file_cache_bytes", this, DataFileCache::cachedBytes)
                .description("Bytes held in the file cache")
                .register(meters);
        Gauge.builder("featureduck_file_cache_limit_bytes", () -> maxBytes)
                .description("Size limit of the file cache")
                .register(meters);
        adopt();
    }

    /** A cache for tables on local disk only: any object-store file is refused. */
    public static DataFileCache localOnly() {
        return new DataFileCache(
                Path.of(System.getProperty("java.io.tmpdir"), "featureduck-files-none"),
                0,
                null,
                1,
                new SimpleMeterRegistry());
    }

    public Path directory() {
        return directory;
    }

    public synchronized long cachedBytes() {
        return cachedBytes;
    }

    /**
     * Local copies of the object-store files among {@code files}, fetched in parallel and pinned until the result is
     * closed; local paths among them are left as they are.
     *
     * @param what names what needs the files (a table version), for messages
     * @throws FeatureDuckException ({@link ErrorCode#TABLE_UNAVAILABLE}) naming the file and the cause when a file
     *                              cannot be fetched or does not fit
     */
    public PinnedFiles localize(Collection<String> files, String what) {
        Set<String> remote = new LinkedHashSet<>();
        files.stream().filter(ObjectPath::isObjectStore).forEach(remote::add);
        if (remote.isEmpty()) {
            return new PinnedFiles(Map.of(), () -> {});
        }
        if (stores == null) {
            throw new FeatureDuckException(
                    ErrorCode.TABLE_UNAVAILABLE,
                    what + " is on an object store, which this " + "command is not set up to read");
        }
        Map<String, CompletableFuture<Entry>> pending = new LinkedHashMap<>();
        for (String uri : remote) {
            pending.put(uri, CompletableFuture.supplyAsync(() -> acquire(uri), fetchers));
        }
        Map<String, Entry> local = new LinkedHashMap<>();
        RuntimeException failure = null;
        for (Map.Entry<String, CompletableFuture<Entry>> fetch : pending.entrySet()) {
            try {
                local.put(fetch.getKey(), fetch.getValue().join());
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            release(local.values());
            throw failure instanceof FeatureDuckException f
                    ? f
                    : new FeatureDuckException(
                            ErrorCode.TABLE_UNAVAILABLE, what + ": " + failure.getMessage(), failure);
        }
        Map<String, String> paths = new LinkedHashMap<>();
        local.forEach((uri, entry) -> paths.put(uri, entry.file.toString()));
        List<Entry> pinned = List.copyOf(local.values());
        return new PinnedFiles(paths, () -> release(pinned));
    }

    /** The file's current version, cached or fetched, pinned. */
    private Entry acquire(String uri) {
        ObjectPath path = ObjectPath.parse(uri);
        ObjectStore store = stores.forPath(path);
        CompletableFuture<Entry> download;
        String key;
        boolean mine = false;
        try {
            ObjectInfo info = store.stat(path);
            key = key(uri, info.version(), info.size());
            synchronized (this) {
                Entry cached = entries.get(key);
                if (cached != null) {
                    cached.pins++;
                    hits.increment();
                    return cached;
                }
                download = fetching.get(key);
                if (download == null) {
                    reserve(info.size(), uri);
                    download = new CompletableFuture<>();
                    fetching.put(key, download);
                    mine = true;
                }
            }
            if (mine) {
                misses.increment();
                fetch(store, path, uri, key, info.size(), download);
            }
        } catch (IOException e) {
            throw new FeatureDuckException(ErrorCode.TABLE_UNAVAILABLE, e.getMessage(), e);
        }
        Entry entry = download.join();
        synchronized (this) {
            if (entries.get(entry.key) != entry) {
                // Evicted between download and pinning by this reader: fetch again.
                return acquire(uri);
            }
            entry.pins++;
            return entry;
        }
    }

    private void fetch(
            ObjectStore store,
            ObjectPath path,
            String uri,
            String key,
            long expectedSize,
            CompletableFuture<Entry> result) {
        Path partial = directory.resolve(key + ".part-" + UUID.randomUUID());
        Path target = directory.resolve(key + SUFFIX);
        long start = System.nanoTime();
        try {
            ObjectInfo fetched = store.download(path, partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fetchTime.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            fetchedBytes.increment(fetched.size());
            Entry entry = new Entry(key, target, fetched.size());
            synchronized (this) {
                fetching.remove(key);
                reservedBytes -= expectedSize;
                entries.put(key, entry);
                cachedBytes += entry.size;
            }
            result.complete(entry);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(partial);
            synchronized (this) {
                fetching.remove(key);
                reservedBytes -= expectedSize;
            }
            RuntimeException failure = e instanceof IOException io
                    ? new FeatureDuckException(ErrorCode.TABLE_UNAVAILABLE, io.getMessage(), io)
                    : (RuntimeException) e;
            result.completeExceptionally(failure);
            throw failure;
        }
    }

    /** Makes room for {@code size} more bytes by evicting unpinned entries, least recently used first. */
    private void reserve(long size, String uri) {
        Iterator<Entry> oldest = entries.values().iterator();
        while (cachedBytes + reservedBytes + size > maxBytes && oldest.hasNext()) {
            Entry entry = oldest.next();
            if (entry.pins == 0) {
                oldest.remove();
                cachedBytes -= entry.size;
                evictions.increment();
                deleteQuietly(entry.file);
            }
        }
        if (cachedBytes + reservedBytes + size > maxBytes) {
            throw new FeatureDuckException(
                    ErrorCode.TABLE_UNAVAILABLE,
                    uri + ": the local file cache ("
                            + mebibytes(maxBytes) + " MiB) cannot hold "
                            + "it (" + mebibytes(size) + " MiB) beside the " + mebibytes(cachedBytes + reservedBytes)
                            + " MiB in use; raise spec.dataPlane.fileCacheSize");
        }
        reservedBytes += size;
    }

    private synchronized void release(Iterable<Entry> pinned) {
        for (Entry entry : pinned) {
            entry.pins--;
        }
    }

    private static long mebibytes(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    private static String key(String uri, String version, long size) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] hash = digest.digest((uri + '\n' + version + '\n' + size).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /**
     * Takes over what an earlier run left in the directory (a restarted container keeps its emptyDir): a file's name
     * is its key, which already names the object version it holds, so it is served again only when that same
     * version is asked for. Partial downloads are deleted; recency starts from the files' modification times.
     */
    private void adopt() {
        if (stores == null) {
            return;
        }
        try {
            Files.createDirectories(directory);
            List<Path> kept = new ArrayList<>();
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    if (name.matches("[0-9a-f]{40}\\.part-.*")) {
                        deleteQuietly(file);
                    } else if (name.matches("[0-9a-f]{40}\\" + SUFFIX)) {
                        kept.add(file);
                    }
                }
            }
            kept.sort(java.util.Comparator.comparing(DataFileCache::modified));
            synchronized (this) {
                for (Path file : kept) {
                    String key = file.getFileName().toString().substring(0, 40);
                    Entry entry = new Entry(key, file, Files.size(file));
                    entries.put(key, entry);
                    cachedBytes += entry.size;
                }
                reserve(0, directory.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the file cache directory " + directory, e);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A file that cannot be deleted is overwritten by the next fetch of the same key.
        }
    }

    @Override
    public void close() {
        if (fetchers != null) {
            fetchers.shutdownNow();
        }
    }

    /** Local copies of object-store files, pinned (never evicted) until closed. */
    public static final class PinnedFiles implements AutoCloseable {
        private final Map<String, String> localPaths;
        private final Runnable release;
        private boolean closed;

        PinnedFiles(Map<String, String> localPaths, Runnable release) {
            this.localPaths = Map.copyOf(localPaths);
            this.release = release;
        }

        /** Whether any file was fetched: without copies every path is read where it is. */
        public boolean holdsCopies() {
            return !localPaths.isEmpty();
        }

        /** Where DuckDB reads {@code file}: its local copy, or the path itself when it is local. */
        public String localPath(String file) {
            return localPaths.getOrDefault(file, file);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                release.run();
            }
        }
    }
}
