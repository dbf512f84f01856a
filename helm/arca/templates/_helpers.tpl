{{/* The chart's name. */}}
{{- define "arca.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name of the operator's resources. */}}
{{- define "arca.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "arca.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "arca.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "arca.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "arca.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the operator's pods. */}}
{{- define "arca.selectorLabels" -}}
app.kubernetes.io/name: {{ include "arca.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* The operator's ServiceAccount. */}}
{{- define "arca.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "arca.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator's image. */}}
{{- define "arca.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Jobs' image. */}}
{{- define "arca.jobImage" -}}
{{- $repo := default .Values.image.repository .Values.jobs.image.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.jobs.image.tag }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{/*
The Jobs' pod security context: root (Pod Security baseline with the container's context below), or
jobs.nonRoot's user (restricted); both under the runtime's default seccomp profile.
*/}}
{{- define "arca.jobPodSecurityContext" -}}
{{- if .Values.jobs.podSecurityContext }}
{{- toJson .Values.jobs.podSecurityContext }}
{{- else if .Values.jobs.runAsRoot }}
{{- toJson (dict "runAsUser" 0 "runAsGroup" 0 "seccompProfile" (dict "type" "RuntimeDefault")) }}
{{- else }}
{{- toJson (dict "runAsNonRoot" true "runAsUser" .Values.jobs.nonRoot.runAsUser "runAsGroup" .Values.jobs.nonRoot.runAsGroup "fsGroup" .Values.jobs.nonRoot.fsGroup "fsGroupChangePolicy" "OnRootMismatch" "seccompProfile" (dict "type" "RuntimeDefault")) }}
{{- end }}
{{- end }}

{{/*
The Jobs' container security context: for root, only the capabilities baseline allows that reading
every file (DAC_OVERRIDE) and restoring owners and modes need; for non-root, none (restricted).
*/}}
{{- define "arca.jobContainerSecurityContext" -}}
{{- if .Values.jobs.containerSecurityContext }}
{{- toJson .Values.jobs.containerSecurityContext }}
{{- else if .Values.jobs.runAsRoot }}
{{- toJson (dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "capabilities" (dict "drop" (list "ALL") "add" (list "CHOWN" "DAC_OVERRIDE" "FOWNER" "FSETID"))) }}
{{- else }}
{{- toJson (dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "capabilities" (dict "drop" (list "ALL"))) }}
{{- end }}
{{- end }}

{{/* The rules of the operator in a watched namespace (generated from the operator's code). */}}
{{- define "arca.namespacedRules" -}}
{{ .Files.Get "files/rbac/watched-namespaces.yaml" }}
{{- if (include "arca.checkSecrets" .) }}
{{ .Files.Get "files/rbac/secret-check.yaml" }}
{{- end }}
{{- end }}

{{/* Whether the operator checks Secrets: only with watchNamespaces, never cluster-wide. */}}
{{- define "arca.checkSecrets" -}}
{{- if and .Values.rbac.checkSecrets .Values.watchNamespaces }}true{{ end }}
{{- end }}
