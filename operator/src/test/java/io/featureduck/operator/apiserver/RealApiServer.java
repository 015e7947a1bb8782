package io.featureduck.operator.apiserver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class the real control plane: {@code @ExtendWith(RealApiServer.class)} and a {@link ControlPlane}
 * parameter. The first class that asks starts it; it is shared by every class of the run and stopped when the run ends
 * (the root context's store closes what it holds). Where Go is missing the tests are skipped, saying so; a failed build or start
 * fails them.
 */
public final class RealApiServer implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealApiServer.class);

    /** What the root store holds: the control plane, or why there is none. */
    private record Started(ControlPlane plane, String skipped) implements AutoCloseable {
        @Override
        public void close() {
            if (plane != null) {
                plane.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Assumptions.assumeTrue(
                started(context).plane() != null, () -> started(context).skipped());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ControlPlane.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return started(context).plane();
    }

    private static Started started(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Started.class, key -> start(), Started.class);
    }

    private static Started start() {
        List<String> skipped = new ArrayList<>();
        try {
            ControlPlane plane =
                    ControlPlane.start(Path.of("target", "control-plane").toAbsolutePath(), skipped);
            return new Started(plane, skipped.isEmpty() ? null : skipped.get(0));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
