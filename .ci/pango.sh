#!/usr/bin/env bash
# WeasyPrint (PDF forms) needs Pango and a font: install the Debian packages when missing.
set -euo pipefail
if ! ldconfig -p | grep -q "libpangoft2-1.0.so.0" || ! ldconfig -p | grep -q "libharfbuzz-subset" || ! fc-list 2>/dev/null | grep -qi dejavu; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig
fi
