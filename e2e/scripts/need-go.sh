#!/usr/bin/env bash
# Exits 0 when Go can build this module: on PATH and at least go.mod's go
# version (Go fetches that toolchain itself when GOTOOLCHAIN allows).
# Otherwise prints one line saying what is wrong and how to fix it, exit 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
want="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$root/go.mod")"
fix="install Go ${want} or newer (https://go.dev/dl/) and put its bin folder on PATH"
command -v go >/dev/null || { echo "go is not installed: $fix" >&2; exit 1; }
# Inside the module, go switches to go.mod's toolchain (downloading it)
# unless GOTOOLCHAIN=local; GOVERSION is then the version that will build.
errors="$(mktemp)"
trap 'rm -f "$errors"' EXIT
if ! have="$(cd "$root" && go env GOVERSION 2>"$errors")"; then
  why="$(grep -v '^go: downloading' "$errors" | tr -s '\n\t ' ' ' | sed 's/ $//')"
  echo "$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || echo go) cannot build this module (go.mod needs go ${want}) and fetching that toolchain failed (${why}): $fix" >&2
  exit 1
fi
have="${have%% *}"
if [[ "$(printf '%s\n' "$want" "${have#go}" | sort -V | sed -n 1p)" != "$want" ]]; then
  echo "${have} is too old for this module (go.mod needs go ${want}; GOTOOLCHAIN=$(go env GOTOOLCHAIN 2>/dev/null) does not let Go fetch it): $fix, or set GOTOOLCHAIN=auto (Go 1.21 and later then fetch it)" >&2
  exit 1
fi
