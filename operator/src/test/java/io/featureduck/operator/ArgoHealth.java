package io.featureduck.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * The Argo CD health checks shipped in {@code helm/featureduck/argocd/}, run the way Argo CD runs them: a Lua 5.1
 * script with the resource as the global {@code obj}, only the base, table, string and math libraries (no io, os or
 * debug), numbers as doubles (gopher-lua's numbers are float64). Every object evaluated is also written to
 * {@code target/argocd-statuses/}, which is where the checked-in test data of the health checks was taken from.
 */
final class ArgoHealth {
    static final Path CUSTOMIZATIONS = Path.of("../helm/featureduck/argocd/resource_customizations/featureduck.io");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final AtomicInteger CAPTURED = new AtomicInteger();

    /** What Argo CD would show: one of its health statuses and the message. */
    record Health(String status, String message) {}

    private ArgoHealth() {}

    /** The health Argo CD gives {@code resource}, by the check for its kind. */
    static Health of(HasMetadata resource) {
        JsonNode object = JSON.valueToTree(resource);
        capture(resource.getKind(), object);
        return evaluate(resource.getKind(), object);
    }

    static Health evaluate(String kind, JsonNode object) {
        Globals globals = new Globals();
        globals.load(new BaseLib());
        globals.load(new PackageLib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        LoadState.install(globals);
        LuaC.install(globals);
        globals.set("obj", lua(object));
        String script;
        try {
            script = Files.readString(CUSTOMIZATIONS.resolve(kind).resolve("health.lua"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LuaValue result = globals.load(script, kind + "/health.lua").call();
        if (!result.istable()) {
            throw new AssertionError(kind + "/health.lua returned " + result + ", not a table");
        }
        LuaValue message = result.get("message");
        return new Health(result.get("status").tojstring(), message.isnil() ? null : message.tojstring());
    }

    static Health evaluate(String kind, Path yamlFile) throws IOException {
        return evaluate(kind, YAML.readTree(yamlFile.toFile()));
    }

    private static LuaValue lua(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return LuaValue.NIL;
        }
        if (node.isObject()) {
            LuaTable table = new LuaTable();
            for (Iterator<Map.Entry<String, JsonNode>> fields =
                            node.properties().iterator();
                    fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                table.set(field.getKey(), lua(field.getValue()));
            }
            return table;
        }
        if (node.isArray()) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                table.set(i + 1, lua(node.get(i)));
            }
            return table;
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.booleanValue());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.doubleValue());
        }
        return LuaValue.valueOf(node.asText());
    }

    private static void capture(String kind, JsonNode object) {
        try {
            Path directory = Files.createDirectories(Path.of("target/argocd-statuses"));
            YAML.writeValue(
                    directory
                            .resolve(kind + "-" + CAPTURED.incrementAndGet() + ".yaml")
                            .toFile(),
                    object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
