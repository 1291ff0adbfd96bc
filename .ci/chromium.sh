#!/usr/bin/env bash
# The dashboard's browser tests drive Debian's chromium with Playwright (Playwright's own
# browser download is not reachable): install the Debian package when it is missing.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium
fi
