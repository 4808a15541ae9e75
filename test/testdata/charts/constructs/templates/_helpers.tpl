{{- /* a comment, trimmed on both sides */ -}}
{{- define "constructs.name" -}}
{{ .Chart.Name }}-{{ .Release.Name }}
{{- end -}}
{{- define "constructs.kv" -}}
{{ .k }}={{ .v }}
{{- end -}}
{{- define "constructs.block" -}}overridden block{{- end -}}
{{- define "constructs.broken" -}}
{{ .Values.name.first.second }}
{{- end -}}
