#!/usr/bin/env bash
# Installs Debian packages when they are missing and this user may install
# packages (root, or password-less sudo).
#
#   debian.sh COMMAND PACKAGE...   exit 0 when COMMAND is on PATH (or in
#                                  /usr/sbin) afterwards
#
# Exits 3 when COMMAND is missing and packages cannot be installed here
# (not root and no password-less sudo, no apt-get, or apt-get failed), so
# the caller can fall back or say in one line what to do. When apt-get
# failed, its last error line is on stdout for the caller to quote.
set -euo pipefail
cmd="${1:?usage: debian.sh COMMAND PACKAGE...}"
shift
have() { command -v "$cmd" >/dev/null || [[ -x "/usr/sbin/$cmd" ]]; }
have && exit 0

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  exit 3
fi
command -v apt-get >/dev/null || exit 3
echo "[debian] installing $* (for $cmd)" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" apt-get update -qq &&
       "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1; then
  grep '^E:' "$log" | tail -n 1 || tail -n 1 "$log"
  exit 3
fi
have || exit 3
