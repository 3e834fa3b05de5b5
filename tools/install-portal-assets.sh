#!/usr/bin/env bash
# BlockPortal's browser libraries from npm (clients/portal/package.json, pinned by
# package-lock.json): installed into clients/portal/node_modules and the files the pages load
# copied into clients/portal/static/vendor/. Both folders are ignored by git: no third-party code
# is committed. Needs node and npm (the npm registry); `make test`, `make demo` and the docker
# image run it.
set -euo pipefail
cd "$(dirname "$0")/../clients/portal"
npm ci --no-audit --no-fund --loglevel=error
vendor=static/vendor
rm -rf "$vendor"
mkdir -p "$vendor/uplot" "$vendor/noble_secp256k1" "$vendor/noble_hashes"
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css \
   node_modules/uplot/LICENSE "$vendor/uplot/"
cp node_modules/@noble/secp256k1/index.js node_modules/@noble/secp256k1/LICENSE \
   "$vendor/noble_secp256k1/"
cp node_modules/@noble/hashes/*.js node_modules/@noble/hashes/LICENSE "$vendor/noble_hashes/"
echo "portal assets: uPlot, @noble/secp256k1, @noble/hashes in clients/portal/$vendor"
