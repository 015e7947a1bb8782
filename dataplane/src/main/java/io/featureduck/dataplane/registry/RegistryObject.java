package io.featureduck.dataplane.registry;

/** The kinds of object Feast's registry holds, with the exception class Feast's clients raise when one is missing. */
enum RegistryObject {
    PROJECT("project", "ProjectObjectNotFoundException", null),
    ENTITY("entity", "EntityNotFoundException", "entities are the join keys of the served views"),
    DATA_SOURCE(
            "data source",
            "DataSourceObjectNotFoundException",
            "each served view's table is a data source of its name"),
    FEATURE_VIEW("feature view", "FeatureViewNotFoundException", "`feast feature-views list` lists the served views"),
    FEATURE_SERVICE(
            "feature service",
            "FeatureServiceNotFoundException",
            "`feast feature-services list` lists the served feature services"),
    ON_DEMAND_FEATURE_VIEW(
            "on-demand feature view",
            "OnDemandFeatureViewNotFoundException",
            "on-demand features are features of the view that defines them"),
    STREAM_FEATURE_VIEW(
            "stream feature view", "FeatureViewNotFoundException", "FeatureDuck has no stream feature views"),
    LABEL_VIEW("label view", "FeatureViewNotFoundException", "FeatureDuck has no label views"),
    SAVED_DATASET("saved dataset", "SavedDatasetNotFound", "FeatureDuck keeps no saved datasets"),
    VALIDATION_REFERENCE(
            "validation reference", "ValidationReferenceNotFound", "FeatureDuck keeps no validation references"),
    PERMISSION(
            "permission",
            "PermissionObjectNotFoundException",
            "access is granted by Kubernetes RBAC or the store's tokens, not Feast permissions");

    private final String label;
    private final String feastClass;
    private final String hint;

    RegistryObject(String label, String feastClass, String hint) {
        this.label = label;
        this.feastClass = feastClass;
        this.hint = hint;
    }

    String label() {
        return label;
    }

    /** The class of {@code feast.errors} a Feast client raises for it. */
    String feastClass() {
        return feastClass;
    }

    /** Where to look instead, or null. */
    String hint() {
        return hint;
    }
}
