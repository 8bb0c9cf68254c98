#!/usr/bin/env bash
# The pinned Go tools, built once from the Go module proxy and cached as
# $CACHE/tools/<name>-<version>/<name>. Prints the binary's path on stdout
# (building it first if needed); progress goes to stderr.
#
#   tool.sh NAME          build if needed, print the path
#   tool.sh --path NAME   print the path only
#
# The proxy refuses `go install ...@latest` and version lists, and some tools
# carry replace directives `go install` rejects, so each exact version is
# built through a scratch module.
set -euo pipefail

only_path=false
if [[ "${1:-}" == --path ]]; then only_path=true; shift; fi
name="${1:?usage: tool.sh [--path] controller-gen|golangci-lint|helm|kubeconform|promtool|etcd}"

ldflags=""
tags=""
why=""
fix="make the Go module proxy reachable (go env GOPROXY) and run it again"
case "$name" in
  controller-gen) pkg=sigs.k8s.io/controller-tools/cmd/controller-gen version=v0.21.0 ;;
  golangci-lint)  pkg=github.com/golangci/golangci-lint/v2/cmd/golangci-lint version=v2.15.0 ;;
  # helm's default Kubernetes version (for helm template and lint) is that
  # of its client-go, v0.35: set as helm's own Makefile does.
  helm)           pkg=helm.sh/helm/v3/cmd/helm version=v3.20.0
                  ldflags="-X helm.sh/helm/v3/internal/version.version=v3.20.0"
                  for p in chartutil lint/rules; do
                    ldflags+=" -X helm.sh/helm/v3/pkg/$p.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/$p.k8sVersionMinor=35"
                  done ;;
  kubeconform)    pkg=github.com/yannh/kubeconform/cmd/kubeconform version=v0.7.0 ;;
  # Checks and unit-tests the chart's alert rules. remove_all_sd leaves out
  # the service discovery plugins (AWS, Azure, GCE ...) promtool does not
  # need for rules: a much smaller build.
  promtool)       pkg=github.com/prometheus/prometheus/cmd/promtool version=v0.316.0 tags=remove_all_sd ;;
  # Only for machines where Debian's etcd-server cannot be installed.
  etcd)           pkg=go.etcd.io/etcd/server/v3 version=v3.6.16
                  why="Debian's etcd-server cannot be installed here; "
                  fix="install Debian's etcd-server (sudo apt-get install etcd-server), set ETCD=/path/to/etcd, or make the Go module proxy reachable" ;;
  *) echo "[tool] unknown tool $name" >&2; exit 2 ;;
esac

out="${RESELLER_CACHE:-$HOME/.cache/reseller-issuer}/tools/${name}-${version}"
if $only_path || [[ -x "$out/$name" ]]; then
  echo "$out/$name"
  exit 0
fi
"$(dirname "${BASH_SOURCE[0]}")/need-go.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
go mod init toolbuild >/dev/null 2>&1
# Failing here is the likely failure, and it is quick: one line, no build log.
if ! go get "${pkg}@${version}" >"$work/get.log" 2>&1; then
  echo "[tool] no ${name}: ${pkg}@${version} cannot be downloaded ($(grep -v '^go: downloading' "$work/get.log" | tr -s '\n\t ' ' ' | sed 's/ $//')): $fix" >&2
  exit 1
fi
echo "[tool] building ${name} ${version} from the Go module proxy (${why}once; cached in $out)" >&2
mkdir -p "$out.tmp"
CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "-s -w $ldflags" -o "$out.tmp/$name" "$pkg" >&2
rm -rf "$out"
mv "$out.tmp" "$out"
echo "[tool] built $out/$name" >&2
echo "$out/$name"
