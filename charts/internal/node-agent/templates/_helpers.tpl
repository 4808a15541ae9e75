{{/* Labels on every object; no chart version, so a bump does not re-apply every object. */}}
{{- define "node-agent.labels" -}}
app.kubernetes.io/part-of: gardener-extension-gpu
app.kubernetes.io/name: gpu-node-agent
{{- end -}}

{{/*
The image reference: image.ref, else image.repository ":" tag (or "@" for a sha256: digest),
the tag defaulting to the chart's appVersion.
*/}}
{{- define "node-agent.image" -}}
{{- if .Values.image.ref -}}
{{- .Values.image.ref -}}
{{- else -}}
{{- $repo := required "image.repository (or image.ref) is required: set the gpu-node-agent image" .Values.image.repository -}}
{{- $tag := toString (.Values.image.tag | default .Chart.AppVersion) -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" $repo $tag -}}
{{- else -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Checks one pool entry; call with (list $index $pool). */}}
{{- define "node-agent.validatePool" -}}
{{- $i := index . 0 -}}
{{- $pool := index . 1 -}}
{{- if not (kindIs "map" $pool) -}}
{{- fail (printf "pools[%d] must be a map with name, selector and config" $i) -}}
{{- end -}}
{{- $name := toString (required (printf "pools[%d].name is required: set the worker pool name" $i) $pool.name) -}}
{{- if or (gt (len $name) 48) (not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $name)) -}}
{{- fail (printf "pools[%d].name %q must be a DNS label of at most 48 characters (it becomes gpu-node-agent-<name>)" $i $name) -}}
{{- end -}}
{{- $selector := $pool.selector | default dict -}}
{{- if not $selector.matchLabels -}}
{{- fail (printf "pools[%d].selector.matchLabels must not be empty: without it the %s agent would run on every node" $i $name) -}}
{{- end -}}
{{- if not (kindIs "string" $pool.config) -}}
{{- fail (printf "pools[%d].config must be the AgentConfiguration as YAML text" $i) -}}
{{- end -}}
{{- if not (trim $pool.config) -}}
{{- fail (printf "pools[%d].config is empty: set the pool's AgentConfiguration YAML" $i) -}}
{{- end -}}
{{- end -}}
