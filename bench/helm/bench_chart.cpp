// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "bench_chart.h"

#include <fstream>
#include <string>

#include <fmt/format.h>

namespace gpuext::bench {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

constexpr const char* kHelpers = R"({{- define "bench.name" -}}
{{ .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end -}}
{{- define "bench.fullname" -}}
{{ printf "%s-%s" .root.Release.Name .svc | trunc 63 | trimSuffix "-" }}
{{- end -}}
{{- define "bench.labels" -}}
app.kubernetes.io/name: {{ include "bench.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .svc }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}
{{- define "bench.selector" -}}
app.kubernetes.io/name: {{ include "bench.name" .root }}
app.kubernetes.io/component: {{ .svc }}
{{- end -}}
)";

// One service's templates; {svc} is the key under .Values.services.
constexpr const char* kDeployment = R"({{- $svc := "{svc}" }}
{{- $v := index .Values.services $svc }}
{{- $ctx := dict "root" . "svc" $svc }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "bench.fullname" $ctx }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "bench.labels" $ctx | nindent 4 }}
spec:
  replicas: {{ $v.replicas | default 1 }}
  selector:
    matchLabels:
      {{- include "bench.selector" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "bench.selector" $ctx | nindent 8 }}
      annotations:
        checksum/config: {{ toYaml $v.config | sha256sum }}
    spec:
      serviceAccountName: {{ include "bench.fullname" $ctx }}
      {{- with $v.nodeSelector | default $.Values.global.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $svc }}
          image: "{{ $.Values.global.registry }}/{{ $v.image.repository }}:{{ $v.image.tag | default $.Chart.AppVersion }}"
          imagePullPolicy: {{ $v.image.pullPolicy | default "IfNotPresent" }}
          args:
            {{- range $v.args }}
            - {{ . | quote }}
            {{- end }}
          env:
            {{- range $k, $val := $v.env }}
            - name: {{ $k | upper | replace "-" "_" }}
              value: {{ $val | toString | quote }}
            {{- end }}
          ports:
            {{- range $p := $v.ports }}
            - name: {{ $p.name }}
              containerPort: {{ $p.port }}
              protocol: {{ $p.protocol | default "TCP" }}
            {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          {{- if $v.probe }}
          livenessProbe:
            httpGet:
              path: {{ $v.probe.path }}
              port: {{ (first $v.ports).name }}
            initialDelaySeconds: {{ $v.probe.delay | default 10 }}
          {{- end }}
)";

constexpr const char* kService = R"({{- $svc := "{svc}" }}
{{- $v := index .Values.services $svc }}
{{- $ctx := dict "root" . "svc" $svc }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "bench.fullname" $ctx }}
  labels:
    {{- include "bench.labels" $ctx | nindent 4 }}
spec:
  type: {{ $v.serviceType | default "ClusterIP" }}
  selector:
    {{- include "bench.selector" $ctx | nindent 4 }}
  ports:
    {{- range $v.ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .name }}
    {{- end }}
)";

constexpr const char* kConfigMap = R"({{- $svc := "{svc}" }}
{{- $v := index .Values.services $svc }}
{{- $ctx := dict "root" . "svc" $svc }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "bench.fullname" $ctx }}-config
  labels:
    {{- include "bench.labels" $ctx | nindent 4 }}
data:
  config.yaml: |
    {{- toYaml $v.config | nindent 4 }}
  {{- range $k, $val := $v.config.features }}
  feature-{{ $k }}: {{ ternary "on" "off" $val | quote }}
  {{- end }}
)";

constexpr const char* kServiceAccount = R"({{- $svc := "{svc}" }}
{{- $ctx := dict "root" . "svc" $svc }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "bench.fullname" $ctx }}
  labels:
    {{- include "bench.labels" $ctx | nindent 4 }}
automountServiceAccountToken: {{ semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version }}
)";

constexpr const char* kHpa = R"({{- $svc := "{svc}" }}
{{- $v := index .Values.services $svc }}
{{- $ctx := dict "root" . "svc" $svc }}
{{- if $v.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "bench.fullname" $ctx }}
  labels:
    {{- include "bench.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "bench.fullname" $ctx }}
  minReplicas: {{ $v.autoscaling.min }}
  maxReplicas: {{ max $v.autoscaling.min $v.autoscaling.max }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $v.autoscaling.cpu | default 80 }}
{{- end }}
)";

std::string Instantiate(std::string text, const std::string& svc) {
  for (size_t at = text.find("{svc}"); at != std::string::npos; at = text.find("{svc}", at)) {
    text.replace(at, 5, svc);
  }
  return text;
}

std::string ServiceValues(int i) {
  return fmt::format(R"(  svc{0:02}:
    replicas: {1}
    image: {{repository: team/svc{0:02}, tag: "1.{0}.0"}}
    args: [--port=8080, --log-level=info, --name=svc{0:02}]
    env: {{log-level: info, worker-count: {1}, region: eu-1, feature-x: true}}
    ports:
      - {{name: http, port: 8080}}
      - {{name: metrics, port: 9090, protocol: TCP}}
    resources:
      requests: {{cpu: 100m, memory: 128Mi}}
      limits: {{cpu: "1", memory: 512Mi}}
    probe: {{path: /healthz, delay: {2}}}
    config:
      listen: ":8080"
      upstreams: [a.svc, b.svc, c.svc]
      features: {{alpha: true, beta: false, gamma: true}}
      limits: {{qps: {3}, burst: {4}}}
    autoscaling: {{enabled: {5}, min: 2, max: {6}, cpu: 70}}
)",
                     i, 1 + i % 3, 5 + i, 50 * (i + 1), 100 * (i + 1),
                     i % 2 == 0 ? "true" : "false", 4 + i);
}

}  // namespace

void WriteBenchChart(const fs::path& dir, int services) {
  Write(dir / "Chart.yaml",
        "apiVersion: v2\nname: bench\ndescription: helm_bench chart\nversion: 1.2.3\n"
        "appVersion: \"4.5.6\"\n");
  std::string values =
      "global:\n  registry: registry.example\n  nodeSelector: {kubernetes.io/os: linux}\n"
      "commonLabels: {team: gpu, tier: backend}\nservices:\n";
  for (int i = 0; i < services; ++i) {
    values += ServiceValues(i);
  }
  Write(dir / "values.yaml", values);
  Write(dir / "templates/_helpers.tpl", kHelpers);
  for (int i = 0; i < services; ++i) {
    const std::string svc = fmt::format("svc{:02}", i);
    const fs::path t = dir / "templates" / svc;
    Write(t / "deployment.yaml", Instantiate(kDeployment, svc));
    Write(t / "service.yaml", Instantiate(kService, svc));
    Write(t / "configmap.yaml", Instantiate(kConfigMap, svc));
    Write(t / "serviceaccount.yaml", Instantiate(kServiceAccount, svc));
    Write(t / "hpa.yaml", Instantiate(kHpa, svc));
  }
}

}  // namespace gpuext::bench
