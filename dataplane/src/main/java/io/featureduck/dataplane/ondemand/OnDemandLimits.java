package io.featureduck.dataplane.ondemand;

import java.time.Duration;

/**
 * How much work on-demand features may cost, so that no request (a large request value, an expression that is
 * quadratic in it) holds an event loop for long.
 *
 * @param maxSteps      evaluation steps (CEL expression nodes evaluated) one online request may take over all its
 *                      entities and on-demand features; one historical entity row may take as many
 * @param maxTime       wall-clock time the evaluations of one online request (or one historical row) may take
 * @param maxValueBytes the largest request-data value an on-demand feature reads: text and bytes by their length,
 *                      a list by the sum of its elements (8 bytes a number)
 */
public record OnDemandLimits(long maxSteps, Duration maxTime, int maxValueBytes) {
    /** About 80 ms of evaluation on one core: thousands of entities' worth of ordinary expressions. */
    public static final long DEFAULT_MAX_STEPS = 1_000_000;

    public static final Duration DEFAULT_MAX_TIME = Duration.ofMillis(250);
    /** Room for an embedding of 8,192 numbers, not for a document. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 64 * 1024;

    public OnDemandLimits {
        if (maxSteps <= 0 || maxTime.isNegative() || maxTime.isZero() || maxValueBytes <= 0) {
            throw new IllegalArgumentException("on-demand limits must be positive");
        }
    }

    public static OnDemandLimits defaults() {
        return new OnDemandLimits(DEFAULT_MAX_STEPS, DEFAULT_MAX_TIME, DEFAULT_MAX_VALUE_BYTES);
    }

    /** A budget for one online request, or one historical row, starting now. */
    public EvaluationBudget budget() {
        return new EvaluationBudget(maxSteps, System.nanoTime() + maxTime.toNanos(), this);
    }
}
