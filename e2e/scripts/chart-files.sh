#!/usr/bin/env bash
# The last step of `make generate`: copies the generated CRDs and RBAC into
# the chart (which reads them from files/), and renders the plain manifest
# deploy/manifests/reseller-issuer.yaml from the chart with its defaults.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
helm="${HELM:?HELM must name the helm binary}"
chart=deploy/charts/reseller-issuer

mkdir -p "$chart/files/crds" "$chart/files/rbac"
rm -f "$chart"/files/crds/*.yaml
cp deploy/crds/*.yaml "$chart/files/crds/"
cp deploy/rbac/role.yaml "$chart/files/rbac/role.yaml"

manifest=deploy/manifests/reseller-issuer.yaml
{
  echo "# reseller-issuer for kubectl apply: rendered by make generate from"
  echo "# $chart with its default values; do not edit."
  echo "#   kubectl apply --server-side -f $manifest"
  echo "---"
  echo "apiVersion: v1"
  echo "kind: Namespace"
  echo "metadata:"
  echo "  name: reseller-issuer"
  "$helm" template reseller-issuer "$chart" --namespace reseller-issuer
} >"$manifest.tmp"
mv "$manifest.tmp" "$manifest"
