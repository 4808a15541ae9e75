{{/* Labels on every object; no chart version, so a bump does not re-apply every object. */}}
{{- define "driver-cache.labels" -}}
app.kubernetes.io/part-of: gardener-extension-gpu
app.kubernetes.io/name: gpu-driver-cache
{{- end -}}

{{/*
The image reference: image.ref, else image.repository ":" tag (or "@" for a sha256: digest),
the tag defaulting to the chart's appVersion.
*/}}
{{- define "driver-cache.image" -}}
{{- if .Values.image.ref -}}
{{- .Values.image.ref -}}
{{- else -}}
{{- $repo := required "image.repository (or image.ref) is required: set the gpu-driver-cache image" .Values.image.repository -}}
{{- $tag := toString (.Values.image.tag | default .Chart.AppVersion) -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" $repo $tag -}}
{{- else -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Refusals, each naming the value and the fix. */}}
{{- define "driver-cache.validate" -}}
{{- if not (has .Values.backend (list "filesystem" "s3")) -}}
{{- fail (printf "backend must be filesystem or s3 (got %q)" (toString .Values.backend)) -}}
{{- end -}}
{{- if lt (int .Values.replicas) 1 -}}
{{- fail (printf "replicas must be at least 1 (got %v)" .Values.replicas) -}}
{{- end -}}
{{- if and (eq .Values.backend "filesystem") (gt (int .Values.replicas) 1) -}}
{{- fail (printf "replicas=%v needs backend s3: with filesystem each replica has its own volume and leases" .Values.replicas) -}}
{{- end -}}
{{- if and (eq .Values.backend "s3") (not .Values.secrets.s3) -}}
{{- fail "secrets.s3 is required with backend s3: name the Secret with the bucket credentials" -}}
{{- end -}}
{{- if eq .Values.backend "filesystem" -}}
{{- $_ := required "storage.size is required with backend filesystem (e.g. 50Gi)" .Values.storage.size -}}
{{- if not (has .Values.storage.accessMode (list "ReadWriteOnce" "ReadWriteOncePod" "ReadWriteMany")) -}}
{{- fail (printf "storage.accessMode must be ReadWriteOnce, ReadWriteOncePod or ReadWriteMany (got %q)" (toString .Values.storage.accessMode)) -}}
{{- end -}}
{{- end -}}
{{- range $k, $v := .Values.secrets -}}
{{- if and (ne $k "s3") (not $v) -}}
{{- fail (printf "secrets.%s is required: name the Secret the extension creates for it" $k) -}}
{{- end -}}
{{- end -}}
{{- end -}}
