{{/* The chart's name, at most 63 characters. */}}
{{- define "reseller-issuer.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The prefix of every object name: the release name, with the chart name unless it holds it. */}}
{{- define "reseller-issuer.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels that select this release's controller pods. */}}
{{- define "reseller-issuer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "reseller-issuer.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{/* Labels of every object. */}}
{{- define "reseller-issuer.labels" -}}
{{ include "reseller-issuer.selectorLabels" . }}
app.kubernetes.io/version: {{ include "reseller-issuer.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The image's version: the tag, else the chart's appVersion. */}}
{{- define "reseller-issuer.version" -}}
{{- default .Chart.AppVersion .Values.image.tag | trunc 63 -}}
{{- end -}}

{{/* repository:tag, or repository@digest when a digest is given. */}}
{{- define "reseller-issuer.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (include "reseller-issuer.version" .) -}}
{{- end -}}
{{- end -}}

{{- define "reseller-issuer.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "reseller-issuer.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Where ResellerClusterIssuers' Secrets and the leader election Lease live. */}}
{{- define "reseller-issuer.clusterResourceNamespace" -}}
{{- default .Release.Namespace .Values.clusterResourceNamespace -}}
{{- end -}}

{{- define "reseller-issuer.http01ServiceName" -}}
{{- printf "%s-http01" (include "reseller-issuer.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "reseller-issuer.metricsServiceName" -}}
{{- printf "%s-metrics" (include "reseller-issuer.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The documents of a generated file under files/ (CRDs, the controller-gen
RBAC), parsed: make generate copies them from deploy/crds and deploy/rbac.
*/}}
{{- define "reseller-issuer.documents" -}}
{{- $docs := list -}}
{{- range (regexSplit "(?m)^---\\s*$" . -1) -}}
{{- if trim . -}}
{{- $docs = append $docs (fromYaml .) -}}
{{- end -}}
{{- end -}}
{{- toJson $docs -}}
{{- end -}}
