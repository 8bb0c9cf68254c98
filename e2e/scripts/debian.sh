#!/usr/bin/env bash
# Installs Debian packages when they are missing and this user may install
# packages (root, or password-less sudo).
#
#   debian.sh COMMAND PACKAGE...   exit 0 when COMMAND is on PATH (or in
#                                  /usr/sbin) afterwards
#
# Exits 3 without a word when COMMAND is missing and packages cannot be
# installed here, so the caller can fall back or say what to do.
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
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
have
