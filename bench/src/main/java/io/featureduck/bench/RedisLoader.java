package io.featureduck.bench;

import io.featureduck.dataplane.config.ServingConfig;
import io.featureduck.dataplane.config.ServingConfigLoader;
import io.featureduck.dataplane.config.ViewDefinition;
import io.featureduck.dataplane.duckdb.DuckDbSettings;
import io.featureduck.dataplane.online.EventTime;
import io.featureduck.dataplane.online.OnlineIndex;
import io.featureduck.dataplane.online.OnlineIndexLoader;
import io.featureduck.dataplane.source.TableSourceFactory;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the latest value of every feature of every entity as Redis protocol on stdout, for {@code redis-cli --pipe}:
 * one hash per entity ({@code e:<id>}) with fields {@code view:feature} and {@code _ts:view}, the layout of Feast's
 * Redis online store. The values come from the same tables, so both servers answer the same data.
 *
 * <p>Usage: {@code RedisLoader <bench.yaml> <entities>}
 */
public final class RedisLoader {
    public static void main(String[] args) throws IOException {
        ServingConfig config = new ServingConfigLoader().load(Path.of(args[0]));
        int entities = Integer.parseInt(args[1]);
        OnlineIndexLoader loader = new OnlineIndexLoader(DuckDbSettings.defaults(), Clock.systemUTC());
        TableSourceFactory sources = new TableSourceFactory();
        List<OnlineIndex> indexes = new ArrayList<>();
        for (ViewDefinition view : config.views()) {
            indexes.add(loader.load(view, sources.forView(view)));
        }
        try (OutputStream out = new BufferedOutputStream(System.out, 1 << 20)) {
            for (long id = 0; id < entities; id++) {
                List<String> command = new ArrayList<>();
                command.add("HSET");
                command.add("e:" + id);
                for (OnlineIndex index : indexes) {
                    int row = index.rowOf(id);
                    if (row < 0) {
                        continue;
                    }
                    for (int f = 0; f < index.view().features().size(); f++) {
                        Object value = index.column(f).value(row);
                        if (value != null) {
                            command.add(index.view().name() + ":"
                                    + index.view().features().get(f).name());
                            command.add(value.toString());
                        }
                    }
                    command.add("_ts:" + index.view().name());
                    command.add(EventTime.format(index.eventMicros(row)));
                }
                if (command.size() > 2) {
                    write(out, command);
                }
            }
        }
    }

    private static void write(OutputStream out, List<String> command) throws IOException {
        out.write(("*" + command.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String part : command) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private RedisLoader() {}
}
