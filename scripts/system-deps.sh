#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing.
#   scripts/system-deps.sh run    what `make run` needs: Graphviz (the state diagrams)
#   scripts/system-deps.sh test   what the whole suite needs besides: PostgreSQL (the tests start
#                                 their own cluster), Chromium (browser tests), LibreOffice Writer
#                                 and Calc with poppler-utils (generated documents to PDF and PNG),
#                                 and the DejaVu and Liberation 2 fonts (Liberation Serif is metric-
#                                 compatible with Times New Roman; Debian's fonts-liberation 1.07
#                                 lacks Vietnamese glyphs such as "ế", fonts-liberation2 has them),
#                                 and SoftHSM2 (the PKCS#11 token the signing tests put a key on)
# Where LibreOffice is installed (for the PDFs of `make run` too), fonts-liberation2 comes with it.
# As root it uses apt-get; otherwise it only says what is missing (STRICT=1 then fails the tests).
set -euo pipefail

profile=${1:-test}
need=()
have_command() { command -v "$1" >/dev/null 2>&1; }
have_package() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

have_command dot || need+=(graphviz)
if [ "$profile" != test ] && have_command soffice; then
  have_package fonts-liberation2 || need+=(fonts-liberation2)
fi
if [ "$profile" = test ]; then
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
  have_command chromium || need+=(chromium)
  have_command soffice || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
  have_command pdftoppm || need+=(poppler-utils)
  have_package fonts-dejavu-core || need+=(fonts-dejavu-core)
  have_package fonts-liberation2 || need+=(fonts-liberation2)
  have_command softhsm2-util || need+=(softhsm2)
fi

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
