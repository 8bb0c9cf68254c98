#!/usr/bin/env bash
# Prints a folder holding the Prometheus Operator's ServiceMonitor and
# PrometheusRule CRDs, generated once with controller-gen from the API types
# of github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring
# (the module proxy serves the types, not the operator's YAML), and cached.
# The chart checks install them to validate the chart's monitoring objects.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version=v0.95.2
module=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring
out="${RESELLER_CACHE:-$HOME/.cache/reseller-issuer}/monitoring-crds-${version}"
kinds=(servicemonitors prometheusrules)

if [[ -f "$out/monitoring.coreos.com_${kinds[-1]}.yaml" ]]; then
  echo "$out"
  exit 0
fi
controller_gen="$("$here/tool.sh" controller-gen)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "[monitoring-crds] generating the ServiceMonitor and PrometheusRule CRDs from ${module}@${version}" >&2
cd "$work"
go mod init monitoringcrds >/dev/null 2>&1
go get "${module}/v1@${version}" >&2  # the package, so go.sum covers its imports
"$controller_gen" crd:crdVersions=v1 paths="${module}/v1" output:crd:dir="$work/crds" >&2
mkdir -p "$out.tmp"
for k in "${kinds[@]}"; do
  cp "$work/crds/monitoring.coreos.com_${k}.yaml" "$out.tmp/"
done
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
