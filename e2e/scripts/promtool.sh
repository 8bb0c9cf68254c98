#!/usr/bin/env bash
# Builds promtool from github.com/prometheus/prometheus v0.316.0 (Prometheus
# 3.x's Go module) through the Go module proxy into the folder given as $1.
# The proxy refuses version lists, so the exact version goes through a
# scratch module. promtool checks and unit-tests the chart's alert rules.
set -euo pipefail
out="${1:?usage: promtool.sh OUTDIR}"
version=v0.316.0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "[promtool] building github.com/prometheus/prometheus ${version} (several minutes cold)" >&2
cd "$work"
go mod init promtoolbuild >/dev/null 2>&1
go get "github.com/prometheus/prometheus/cmd/promtool@${version}" >&2
mkdir -p "$out"
CGO_ENABLED=0 go build -trimpath -o "$out/promtool" github.com/prometheus/prometheus/cmd/promtool
echo "[promtool] built $out/promtool" >&2
