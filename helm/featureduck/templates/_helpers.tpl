{{- define "featureduck.name" -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "featureduck.labels" -}}
app.kubernetes.io/name: featureduck-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: featureduck
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "featureduck.selector" -}}
app.kubernetes.io/name: featureduck-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
