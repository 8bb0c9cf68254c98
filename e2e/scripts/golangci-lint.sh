#!/usr/bin/env bash
# Builds golangci-lint v2.15.0 from the Go module proxy into the folder given
# as $1 (the proxy refuses `go install ...@latest` and version lists, so the
# exact version goes through a scratch module).
set -euo pipefail
out="${1:?usage: golangci-lint.sh OUTDIR}"
version=v2.15.0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "[golangci-lint] building ${version} (about 3 minutes cold)" >&2
cd "$work"
go mod init lintbuild >/dev/null 2>&1
go get "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@${version}" >&2
mkdir -p "$out"
CGO_ENABLED=0 go build -trimpath -o "$out/golangci-lint" github.com/golangci/golangci-lint/v2/cmd/golangci-lint
echo "[golangci-lint] built $out/golangci-lint" >&2
