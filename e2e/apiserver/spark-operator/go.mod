// Pins the Kubeflow Spark operator release whose CRD (SparkApplication) the tests install, so that the operator's
// SparkApplications of HistoricalRetrievals are checked against the real schema. Only the module's CRDs are used;
// nothing of it is built.
module featureduck.io/e2e/spark-operator

go 1.26.0

require github.com/kubeflow/spark-operator/v2 v2.5.0
