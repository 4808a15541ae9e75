{{/*
Labels on every object of this chart. No chart version: a version bump alone must not
change (and re-apply) every object.
*/}}
{{- define "shoot-shared.labels" -}}
app.kubernetes.io/part-of: gardener-extension-gpu
app.kubernetes.io/component: shared
{{- end -}}

{{/* The health reader's ServiceAccount name and namespace, both required. */}}
{{- define "shoot-shared.healthReader.name" -}}
{{- required "healthReader.serviceAccountName is required: set it to the ServiceAccount the health controller's token belongs to (gardener-extension-gpu)" .Values.healthReader.serviceAccountName -}}
{{- end -}}
{{- define "shoot-shared.healthReader.namespace" -}}
{{- required "healthReader.namespace is required: set it to the namespace of the health reader's ServiceAccount (kube-system)" .Values.healthReader.namespace -}}
{{- end -}}
