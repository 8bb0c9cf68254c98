#!/usr/bin/env bash
# Prints a folder usable as KUBEBUILDER_ASSETS: symlinks to kube-apiserver and
# kubectl (built and cached by kube-binaries.sh) and to etcd (Debian's
# etcd-server package, /usr/bin/etcd; override with ETCD=/path/to/etcd).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kube="$("$here/kube-binaries.sh")"
etcd="${ETCD:-/usr/bin/etcd}"
if [[ ! -x "$etcd" ]]; then
  echo "[assets] no etcd at $etcd: apt-get install etcd-server, or set ETCD" >&2
  exit 1
fi

assets="${RESELLER_CACHE:-$HOME/.cache/reseller-issuer}/envtest-$(basename "$kube")"
mkdir -p "$assets"
ln -sfn "$kube/kube-apiserver" "$assets/kube-apiserver"
ln -sfn "$kube/kubectl" "$assets/kubectl"
ln -sfn "$etcd" "$assets/etcd"
echo "$assets"
