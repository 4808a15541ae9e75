{{- define "functions.upper" -}}
{{ range . }}{{ upper . }}{{ end }}
{{- end -}}
