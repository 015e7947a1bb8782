package io.featureduck.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.function.Supplier;

/**
 * The object a reconciler patches a new status with: only name, namespace and the resourceVersion it read, so that
 * the patch touches nothing but the status and fails with a conflict if the resource changed since.
 */
public final class StatusPatch {
    private StatusPatch() {
    }

    public static <S, R extends CustomResource<?, S>> R of(R current, S status, Supplier<R> blank) {
        R patch = blank.get();
        patch.setMetadata(new ObjectMetaBuilder().withName(current.getMetadata().getName())
                .withNamespace(current.getMetadata().getNamespace())
                .withResourceVersion(current.getMetadata().getResourceVersion()).build());
        patch.setStatus(status);
        return patch;
    }
}
