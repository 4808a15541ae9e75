{{/* Labels on every object; no chart version, so a bump does not re-apply every object. */}}
{{- define "gpu-operator.labels" -}}
app.kubernetes.io/part-of: gardener-extension-gpu
app.kubernetes.io/name: gpu-operator
{{- end -}}

{{/*
"<repository>/<image>:<version>" of a component's values; call with (list "<key>" $component).
Each part is required, and the message names the value.
*/}}
{{- define "gpu-operator.image" -}}
{{- $key := index . 0 -}}
{{- $c := index . 1 -}}
{{- $repo := required (printf "%s.repository is required: set the registry path of the %s image" $key $key) $c.repository -}}
{{- $image := required (printf "%s.image is required: set the %s image name" $key $key) $c.image -}}
{{- $version := required (printf "%s.version is required: set the %s image tag" $key $key) $c.version -}}
{{- printf "%s/%s:%s" $repo $image (toString $version) -}}
{{- end -}}

{{/* The validator's values with version "" defaulted to operator.version (same image). */}}
{{- define "gpu-operator.validatorValues" -}}
{{- $v := deepCopy .Values.validator -}}
{{- $_ := set $v "version" ($v.version | default .Values.operator.version) -}}
{{- toYaml $v -}}
{{- end -}}

{{/*
A ClusterPolicy operand spec: the listed keys of a values section that are set, so keys of
the upstream chart the CRD does not know (devicePlugin.config.create, ...) never reach the
API server. Call with (list $section (list "key" ...)).
*/}}
{{- define "gpu-operator.pick" -}}
{{- $section := index . 0 -}}
{{- $out := dict -}}
{{- range index . 1 -}}
{{- if hasKey $section . -}}
{{- $_ := set $out . (index $section .) -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Name of the mig-parted ConfigMap, "" when none is written or referenced. */}}
{{- define "gpu-operator.migConfigName" -}}
{{- if and .Values.migManager.enabled .Values.gpuext.migConfig -}}
{{- .Values.migManager.config.name | default "gpuext-mig-parted-config" -}}
{{- else -}}
{{- .Values.migManager.config.name -}}
{{- end -}}
{{- end -}}

{{/* Refusals of values this stack cannot honour, each naming the value and the fix. */}}
{{- define "gpu-operator.validate" -}}
{{- if .Values.nfd.enabled -}}
{{- fail "nfd.enabled=true is not supported: NFD is deployed by the extension (ManagedResource extension-gpu-nfd); remove nfd.enabled from the operator values" -}}
{{- end -}}
{{- if .Values.driver.enabled -}}
{{- fail "driver.enabled=true is not supported: gpu-node-agent installs the driver; choose the driver version in the shoot's GPU providerConfig instead" -}}
{{- end -}}
{{- if not (has .Values.mig.strategy (list "none" "single" "mixed")) -}}
{{- fail (printf "mig.strategy must be none, single or mixed (got %q)" (toString .Values.mig.strategy)) -}}
{{- end -}}
{{- $configs := .Values.gpuext.devicePluginConfigs | default dict -}}
{{- if not (kindIs "map" $configs) -}}
{{- fail "gpuext.devicePluginConfigs must be a map from config name to device-plugin config object" -}}
{{- end -}}
{{- range $name, $config := $configs -}}
{{- if not (regexMatch "^[-._a-zA-Z0-9]+$" $name) -}}
{{- fail (printf "gpuext.devicePluginConfigs: key %q is no valid ConfigMap key; use letters, digits, '-', '_' and '.'" $name) -}}
{{- end -}}
{{- if not (kindIs "map" $config) -}}
{{- fail (printf "gpuext.devicePluginConfigs.%s must be a device-plugin config object (version: v1, flags, sharing)" $name) -}}
{{- end -}}
{{- end -}}
{{- if $configs -}}
{{- if not .Values.devicePlugin.config.name -}}
{{- fail "devicePlugin.config.name is required when gpuext.devicePluginConfigs is set: it names the ConfigMap written from them" -}}
{{- end -}}
{{- with .Values.devicePlugin.config.default -}}
{{- if not (hasKey $configs .) -}}
{{- fail (printf "devicePlugin.config.default %q is not a key of gpuext.devicePluginConfigs (keys: %s)" . (keys $configs | sortAlpha | join ", ")) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
