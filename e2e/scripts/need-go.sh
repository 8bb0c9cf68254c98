#!/usr/bin/env bash
# Exits 0 when Go can build this module: on PATH, with CA certificates to
# fetch modules, and at least go.mod's go version (Go fetches that
# toolchain itself when GOTOOLCHAIN allows).
# Otherwise prints one line saying what is wrong and how to fix it, exit 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
want="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$root/go.mod")"
fix="install Go ${want} or newer (https://go.dev/dl/) and put its bin folder on PATH"
command -v go >/dev/null || { echo "go is not installed: $fix" >&2; exit 1; }

# Go fetches modules (and toolchains) over TLS and verifies the proxy with
# the system's CA certificates, read where Go reads them (SSL_CERT_FILE and
# SSL_CERT_DIR replace its lists). Without any, every download fails with
# an x509 error; install Debian's ca-certificates when possible.
have_roots() {
  local f d
  local files=(/etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/ca-bundle.pem
               /etc/pki/tls/cacert.pem /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem /etc/ssl/cert.pem)
  local dirs=(/etc/ssl/certs /etc/pki/tls/certs)
  [[ -n "${SSL_CERT_FILE:-}" ]] && files=("$SSL_CERT_FILE")
  [[ -n "${SSL_CERT_DIR:-}" ]] && IFS=: read -ra dirs <<<"$SSL_CERT_DIR"
  for f in "${files[@]}"; do [[ -s "$f" ]] && return 0; done
  for d in "${dirs[@]}"; do compgen -G "$d/*.pem" >/dev/null && return 0; done
  return 1
}
if ! have_roots; then
  why="$("$(dirname "${BASH_SOURCE[0]}")/debian.sh" update-ca-certificates ca-certificates 2>/dev/null)" || true
  have_roots || { echo "no CA certificates (Go cannot verify the Go module proxy${why:+; apt-get failed: $why}): install Debian's ca-certificates (sudo apt-get install ca-certificates), or set SSL_CERT_FILE to a CA bundle" >&2; exit 1; }
fi
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
