package io.featureduck.dataplane.serving;

import io.featureduck.dataplane.config.DefinitionException;
import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the serving configuration when its file changes and hands the new configuration on. In a pod the file is
 * a ConfigMap volume, which the kubelet replaces by swapping a symlink rather than writing in place; reading the
 * content on an interval sees that reliably where file-change notifications on the link may not.
 *
 * <p>A file that no longer parses or validates is reported and ignored: the last good configuration keeps serving.
 */
public final class ConfigReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final Path file;
    private final ServingConfigLoader loader;
    private final Consumer<ServingConfig> apply;
    private final Consumer<Optional<String>> report;
    private final ScheduledExecutorService scheduler;
    private byte[] lastContent;

    private ConfigReloader(
            Path file,
            ServingConfigLoader loader,
            Consumer<ServingConfig> apply,
            Consumer<Optional<String>> report,
            byte[] loadedContent) {
        this.file = file;
        this.loader = loader;
        this.apply = apply;
        this.report = report;
        this.lastContent = loadedContent;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "config-reloader");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Checks {@code file} every {@code interval}, starting from the content it has now (which the caller has just
     * loaded), calls {@code apply} with each new valid configuration, and {@code report} with why a new version
     * cannot be used (or empty once one is applied).
     */
    public static ConfigReloader start(
            Path file,
            ServingConfigLoader loader,
            Duration interval,
            Consumer<ServingConfig> apply,
            Consumer<Optional<String>> report) {
        ConfigReloader reloader = new ConfigReloader(file, loader, apply, report, read(file));
        long millis = Math.max(1, interval.toMillis());
        reloader.scheduler.scheduleWithFixedDelay(reloader::check, millis, millis, TimeUnit.MILLISECONDS);
        return reloader;
    }

    void check() {
        byte[] content = read(file);
        if (content == null || Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        try {
            ServingConfig config = loader.load(file);
            LOG.info(
                    "serving configuration {} changed: {} feature views",
                    file,
                    config.views().size());
            apply.accept(config);
            report.accept(Optional.empty());
        } catch (DefinitionException e) {
            report.accept(Optional.of(e.getMessage()));
            LOG.error(
                    "serving configuration {} changed but cannot be used; still serving the previous one: {}",
                    file,
                    e.getMessage());
        } catch (RuntimeException e) {
            report.accept(Optional.of(Objects.toString(e.getMessage(), e.toString())));
            LOG.error("applying the changed serving configuration {} failed; still serving the previous one", file, e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            // Mid-swap or briefly missing: the next check reads it again.
            LOG.debug("cannot read {} yet: {}", file, e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
