package io.featureduck.operator.status;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The reasons the operator gives its conditions, each spelled in {@code UpperCamelCase} on the resource (the enum
 * name without underscores): what {@code kubectl wait}, Argo CD's health checks and users' alerts match on. Reasons
 * the kubelet or the Deployment controller gave are passed through as they are ({@link StatusConditions#setObserved}).
 */
public enum Reason {
    ASSIGNED_TO_STORE,
    AS_EXPECTED,
    CHANGING_PIN,
    CONFIGURATION_ERROR,
    DATA_PLANE_UNREACHABLE,
    INSUFFICIENT_MEMORY,
    INVALID_SPEC,
    LOAD_FAILED,
    LOADING,
    NO_READY_PODS,
    NOT_SERVED,
    OFFLINE_ONLY,
    PLAN_REFUSED,
    PLANNING,
    PODS_NOT_READY,
    RECONCILE_ERROR,
    REFRESH_FAILED,
    RELOADING,
    RESHARDING,
    RESOLVED,
    ROLLING_OUT,
    ROLLOUT_COMPLETE,
    SCALED_TO_ZERO,
    SERVING,
    SPARK_APPLICATION_FAILED,
    SPARK_OPERATOR_MISSING,
    SPARK_RUNNING,
    SUCCEEDED,
    STORE_NOT_FOUND,
    STORE_REFUSED,
    UNRESOLVED,
    WAITING_FOR_DATA_PLANE;

    private final String wireName = Arrays.stream(name().split("_"))
            .map(word -> word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT))
            .collect(Collectors.joining());

    /** As it appears in a condition's {@code reason}. */
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
