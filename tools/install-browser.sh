#!/bin/sh
# Installs what the browser tests need: Debian's chromium at /usr/bin/chromium.
# Idempotent: does nothing when chromium is already there. Playwright drives this system
# browser (executable_path), so `playwright install` is never needed.
set -eu
if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
