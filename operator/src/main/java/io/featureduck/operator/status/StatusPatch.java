package io.featureduck.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

/**
 * The object a reconciler patches a new status with: only name, namespace and the resourceVersion it read, so that
 * the patch touches nothing but the status and fails with a conflict if the resource changed since.
 */
public final class StatusPatch {
    private StatusPatch() {}

    public static <S, R extends CustomResource<?, S>> R of(R current, S status, Supplier<R> blank) {
        R patch = blank.get();
        patch.setMetadata(new ObjectMetaBuilder()
                .withName(current.getMetadata().getName())
                .withNamespace(current.getMetadata().getNamespace())
                .withResourceVersion(current.getMetadata().getResourceVersion())
                .build());
        patch.setStatus(status);
        return patch;
    }

    /**
     * Writes {@code status} so that a list in it may shrink safely. With server-side apply the framework's status
     * patch sends the whole status. Without it the framework edits the status, a JSON Patch diffed against the cached
     * resource, whose positional list operations can corrupt a list that changed on the server since the cache was
     * filled (a resolved feature list once lost an element in a run against Fabric8's mock API server); there the
     * status is replaced whole instead, guarded by the resourceVersion. A conflict means a newer version of the
     * resource exists, whose event reconciles it again: nothing is written, and it is no error. All three reconcilers
     * write their status here.
     */
    public static <S, R extends CustomResource<?, S>> UpdateControl<R> write(
            R current, S status, Supplier<R> blank, Context<R> context, boolean serverSideApply) {
        R patch = of(current, status, blank);
        if (serverSideApply) {
            return UpdateControl.patchStatus(patch);
        }
        try {
            context.getClient().resource(patch).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
        return UpdateControl.noUpdate();
    }
}
