#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
# the PostgreSQL server (the tests start their own cluster); LibreOffice Writer and Calc,
# poppler-utils and the Liberation fonts (metric-compatible with Times New Roman) to turn the
# generated documents into PDF and PNG.
# As root it uses apt-get; otherwise it only says what is missing (STRICT=1 then fails the tests).
set -euo pipefail

need=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation)

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
