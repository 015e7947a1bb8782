// Pins the Argo CD release whose CRDs (Application, AppProject) the tests install, so that the GitOps examples pass a
// server-side dry run too. Only the module's manifests are used; nothing of it is built.
module featureduck.io/e2e/argocd

go 1.26.0

require github.com/argoproj/argo-cd/v3 v3.5.8
