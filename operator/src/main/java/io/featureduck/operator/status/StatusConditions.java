package io.featureduck.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a resource's status conditions the way Kubernetes tools read them: a condition keeps its
 * {@code lastTransitionTime} while its status stays the same, so {@code kubectl wait} and Argo CD see real transitions
 * and a reconcile that changes nothing writes nothing.
 */
public final class StatusConditions {
    /** Condition types, the same for every resource the operator reports on. */
    public static final String READY = "Ready";

    public static final String DEGRADED = "Degraded";
    public static final String PROGRESSING = "Progressing";
    public static final String ACCEPTED = "Accepted";
    /** A HistoricalRetrieval's outcome: True once written, False while it cannot start or after it failed. */
    public static final String COMPLETE = "Complete";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private final List<Condition> previous;
    private final Long generation;
    private final Clock clock;
    private final List<Condition> next = new ArrayList<>();

    public StatusConditions(List<Condition> previous, Long generation, Clock clock) {
        this.previous = previous == null ? List.of() : previous;
        this.generation = generation;
        this.clock = clock;
    }

    public StatusConditions set(String type, boolean status, Reason reason, String message) {
        return set(type, status ? TRUE : FALSE, reason, message);
    }

    public StatusConditions set(String type, String status, Reason reason, String message) {
        return put(type, status, reason.wireName(), message);
    }

    /** A condition whose reason Kubernetes gave (the kubelet's {@code CrashLoopBackOff}, a Deployment's). */
    public StatusConditions setObserved(String type, boolean status, String reason, String message) {
        return put(type, status ? TRUE : FALSE, reason, message);
    }

    private StatusConditions put(String type, String status, String reason, String message) {
        Optional<Condition> before = find(previous, type);
        String since = before.filter(c -> Objects.equals(c.getStatus(), status))
                .map(Condition::getLastTransitionTime)
                .orElseGet(() ->
                        DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        next.add(new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build());
        return this;
    }

    public List<Condition> build() {
        return List.copyOf(next);
    }

    /** Whether {@code type} changed status between {@code before} and {@code after} (absent counts as a change). */
    public static boolean changed(List<Condition> before, List<Condition> after, String type) {
        return !Objects.equals(
                find(before, type).map(Condition::getStatus), find(after, type).map(Condition::getStatus));
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null
                ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
