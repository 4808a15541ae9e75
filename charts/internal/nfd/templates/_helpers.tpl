{{/*
Labels on every object; the selector labels are the stable subset. No chart version in
either: a version bump must not change selectors (immutable) or re-apply every object.
*/}}
{{- define "nfd.labels" -}}
app.kubernetes.io/part-of: gardener-extension-gpu
app.kubernetes.io/name: node-feature-discovery
{{- end -}}

{{/* Selector labels of one component; call with (list $ "master"). */}}
{{- define "nfd.selectorLabels" -}}
app.kubernetes.io/name: node-feature-discovery
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* The image reference, validated. */}}
{{- define "nfd.image" -}}
{{- $repo := required "image.repository is required: set it to the NFD image (e.g. registry.k8s.io/nfd/node-feature-discovery)" .Values.image.repository -}}
{{- $tag := required "image.tag is required: set it to an NFD v0.19.x tag (e.g. v0.19.0)" .Values.image.tag -}}
{{- printf "%s:%s" $repo (toString $tag) -}}
{{- end -}}

{{/*
The container security context all three NFD components run with: they only read host files
(worker, through read-only hostPath mounts) and talk to the API server.
*/}}
{{- define "nfd.containerSecurityContext" -}}
allowPrivilegeEscalation: false
capabilities:
  drop: [ALL]
readOnlyRootFilesystem: true
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The common HTTP probes (health endpoint on the -port every component serves). */}}
{{- define "nfd.probes" -}}
livenessProbe:
  httpGet: {path: /healthz, port: http}
  initialDelaySeconds: 10
  periodSeconds: 10
readinessProbe:
  httpGet: {path: /healthz, port: http}
  initialDelaySeconds: 5
  periodSeconds: 10
{{- end -}}

{{/* nfd-master.conf */}}
{{- define "nfd.masterConfig" -}}
{{- $ns := .Values.extraLabelNs | default list -}}
{{- range $ns }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" .) }}
{{- fail (printf "extraLabelNs: %q is not a DNS subdomain; list label namespaces such as gpu.extensions.gardener.cloud" .) }}
{{- end }}
{{- end -}}
{{ dict "extraLabelNs" $ns | toYaml }}
{{- end -}}

{{/* nfd-worker.conf */}}
{{- define "nfd.workerConfig" -}}
{{- $pci := dict "deviceClassWhitelist" .Values.worker.deviceClassWhitelist "deviceLabelFields" .Values.worker.deviceLabelFields -}}
{{- dict "core" (dict "sleepInterval" .Values.worker.sleepInterval) "sources" (dict "pci" $pci) | toYaml }}
{{- end -}}
