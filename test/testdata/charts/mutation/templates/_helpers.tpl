{{- define "mutation.setInInclude" -}}
{{- $_ := set .Values "fromInclude" "yes" -}}
{{- $_ := set . "dotKey" "added" -}}
{{- end -}}
{{- define "mutation.ctx" -}}
{{- $_ := set .ctx "touched" true -}}
{{- .ctx.name -}}
{{- end -}}
