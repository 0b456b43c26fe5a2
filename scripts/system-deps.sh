#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
# the PostgreSQL server (the tests start their own cluster).
# As root it uses apt-get; otherwise it only says what is missing (STRICT=1 then fails the tests).
set -euo pipefail

need=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${need[*]} (install them as root: apt-get install ${need[*]})" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
