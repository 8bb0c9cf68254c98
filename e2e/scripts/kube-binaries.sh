#!/usr/bin/env bash
# Builds kube-apiserver and kubectl from k8s.io/kubernetes through the Go module
# proxy (no GitHub, no release downloads) and caches them by version.
# Prints the folder holding the binaries on stdout; progress goes to stderr.
set -euo pipefail

version="${KUBE_VERSION:-v1.36.3}"
staging_version="v0.${version#v1.}"
cache="${RESELLER_CACHE:-$HOME/.cache/reseller-issuer}/kube-${version}"

if [[ -x "$cache/kube-apiserver" && -x "$cache/kubectl" ]]; then
  echo "$cache"
  exit 0
fi

log() { echo "[kube-binaries] $*" >&2; }
"$(dirname "${BASH_SOURCE[0]}")/need-go.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

go mod init kubebuild >/dev/null 2>&1
# Failing here is the likely failure, and it is quick: one line, no build log.
if ! go mod download -json "k8s.io/kubernetes@${version}" >download.json 2>&1; then
  log "no kube-apiserver: k8s.io/kubernetes@${version} cannot be downloaded ($(sed -n 's/.*"Error": "\(.*\)".*/\1/p' download.json | sed -n '1{s/\\"/"/g;p;}')): make the Go module proxy reachable (go env GOPROXY) and run it again"
  exit 1
fi
modfile="$(sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' download.json)"
log "building kube-apiserver and kubectl ${version} (about 8-10 minutes cold on 2 cores)"
go mod edit -require="k8s.io/kubernetes@${version}"
# k8s.io/kubernetes replaces its staging modules with local folders; outside its
# repository each must point at the published module of the same release.
for m in $(sed -n '/^replace (/,/^)/p' "$modfile" | awk '/=>/ {print $1}'); do
  go mod edit -replace="${m}=${m}@${staging_version}"
done

mkdir -p kube-apiserver kubectl
cat > kube-apiserver/main.go <<'GO'
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() { os.Exit(cli.Run(app.NewAPIServerCommand())) }
GO
cat > kubectl/main.go <<'GO'
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	command := cmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		util.CheckErr(err)
	}
}
GO

log "resolving modules"
go mod tidy >&2
minor="${version#v1.}"; minor="${minor%%.*}"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${version} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor}"
ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=${version} -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=${minor}"
mkdir -p "$cache.tmp"
start=$SECONDS
( while sleep 30; do log "still compiling ($((SECONDS - start))s)"; done ) &
ticker=$!
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$cache.tmp/" ./kube-apiserver ./kubectl >&2
kill "$ticker" 2>/dev/null || true
rm -rf "$cache"
mv "$cache.tmp" "$cache"
log "built in $((SECONDS - start))s -> $cache"
echo "$cache"
