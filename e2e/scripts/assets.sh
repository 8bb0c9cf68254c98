#!/usr/bin/env bash
# Prints a folder usable as KUBEBUILDER_ASSETS, holding what the local stack
# runs: etcd, kube-apiserver and kubectl (envtest's three), plus helm (the
# stack installs cert-manager's and our chart's RBAC), kubeconform and
# promtool (the chart checks). Everything is installed or built on first use and cached.
#
# etcd: $ETCD if set, else Debian's etcd-server (installed when this user may
# install packages), else built from the Go module proxy.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fail() { echo "[assets] $*" >&2; exit 1; }

# etcd first: it is the part most likely missing, and finding out must not
# wait for the kube-apiserver build.
if [[ -n "${ETCD:-}" ]]; then
  [[ -x "$ETCD" ]] || fail "ETCD=$ETCD is not an executable: unset it or point it at an etcd binary"
  etcd="$ETCD"
elif "$here/debian.sh" etcd etcd-server >/dev/null; then
  etcd="$(command -v etcd)"
else
  # Built from the Go module proxy; tool.sh says why and, when it cannot, what to do.
  etcd="$("$here/tool.sh" etcd)" || exit 1
fi

# Each says in one line what is missing when it stops.
kube="$("$here/kube-binaries.sh")" || exit 1
helm="$("$here/tool.sh" helm)" || exit 1
kubeconform="$("$here/tool.sh" kubeconform)" || exit 1
promtool="$("$here/tool.sh" promtool)" || exit 1

assets="${RESELLER_CACHE:-$HOME/.cache/reseller-issuer}/envtest-$(basename "$kube")"
mkdir -p "$assets"
ln -sfn "$kube/kube-apiserver" "$assets/kube-apiserver"
ln -sfn "$kube/kubectl" "$assets/kubectl"
ln -sfn "$etcd" "$assets/etcd"
ln -sfn "$helm" "$assets/helm"
ln -sfn "$kubeconform" "$assets/kubeconform"
ln -sfn "$promtool" "$assets/promtool"
echo "$assets"
