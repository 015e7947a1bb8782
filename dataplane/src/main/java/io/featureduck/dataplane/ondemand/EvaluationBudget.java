package io.featureduck.dataplane.ondemand;

import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import java.util.List;

/**
 * What is left of one request's evaluation budget ({@link OnDemandLimits}): each evaluated CEL node spends a step,
 * and the clock is read at every step, so an evaluation stops at the first node past either limit. Not thread-safe:
 * one request, one thread.
 */
public final class EvaluationBudget {
    private final long maxSteps;
    private final long deadlineNanos;
    private final OnDemandLimits limits;
    private long steps;

    EvaluationBudget(long maxSteps, long deadlineNanos, OnDemandLimits limits) {
        this.maxSteps = maxSteps;
        this.deadlineNanos = deadlineNanos;
        this.limits = limits;
    }

    /** Spends one step of {@code feature}'s evaluation. */
    void spend(String feature) {
        if (++steps > maxSteps) {
            throw exceeded(feature, "more than " + maxSteps + " evaluation steps");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw exceeded(feature, "more than " + limits.maxTime().toMillis() + " ms of evaluation");
        }
    }

    /**
     * Refuses a request-data value larger than the limit, before anything is evaluated with it.
     *
     * @throws FeatureDuckException {@code REQUEST_DATA_TOO_LARGE}
     */
    public void checkValue(String field, int entity, Object value) {
        long bytes = size(value);
        if (bytes > limits.maxValueBytes()) {
            throw new FeatureDuckException(
                    ErrorCode.REQUEST_DATA_TOO_LARGE,
                    "request data '" + field + "'[" + entity
                            + "] takes about " + bytes + " bytes; on-demand features read values of at most "
                            + limits.maxValueBytes());
        }
    }

    private static long size(Object value) {
        if (value instanceof String text) {
            return text.length();
        }
        if (value instanceof byte[] bytes) {
            return bytes.length;
        }
        if (value instanceof List<?> list) {
            long total = 0;
            for (Object item : list) {
                total += size(item);
            }
            return total;
        }
        return 8;
    }

    private static FeatureDuckException exceeded(String feature, String what) {
        return new FeatureDuckException(
                ErrorCode.ON_DEMAND_BUDGET_EXCEEDED,
                "on-demand feature '" + feature
                        + "' took " + what + " for this request; ask for fewer entities, send smaller request data, or "
                        + "make its expression cheaper");
    }
}
