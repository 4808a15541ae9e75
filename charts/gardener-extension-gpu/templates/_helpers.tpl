{{- /*
SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
SPDX-License-Identifier: Apache-2.0

Object names are fixed, not derived from the release name: the extension looks its webhook
Service up as `gardener-extension-gpu` (gardener's naming `gardener-extension-<name>`), and the
global objects follow Gardener's `extensions.gardener.cloud:<extension>` convention.
*/ -}}

{{- define "gpuext.name" -}}gardener-extension-gpu{{- end -}}

{{- define "gpuext.clusterRoleName" -}}extensions.gardener.cloud:extension-gpu{{- end -}}

{{- /* Only the fixed name: a Deployment's selector is immutable, the release name may change. */ -}}
{{- define "gpuext.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gpuext.name" . }}
{{- end -}}

{{- define "gpuext.labels" -}}
{{ include "gpuext.selectorLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- end -}}

{{- /* An image reference from {repository, tag, digest}; the tag defaults to appVersion. */ -}}
{{- define "gpuext.imageRef" -}}
{{- $image := index . 0 -}}
{{- $chart := index . 1 -}}
{{- $ref := required "image repository must not be empty" $image.repository -}}
{{- $tag := $image.tag | default $chart.AppVersion -}}
{{- if $tag -}}{{- $ref = printf "%s:%s" $ref $tag -}}{{- end -}}
{{- if $image.digest -}}{{- $ref = printf "%s@%s" $ref $image.digest -}}{{- end -}}
{{- $ref -}}
{{- end -}}

{{- /* gardener-system-900 in a seed; the runtime cluster's class when gardenlet says so. */ -}}
{{- define "gpuext.priorityClassName" -}}
{{- $runtime := (.Values.gardener).runtimeCluster | default dict -}}
{{- if and $runtime.enabled $runtime.priorityClassName -}}
{{- $runtime.priorityClassName -}}
{{- else -}}
gardener-system-900
{{- end -}}
{{- end -}}
