#!/usr/bin/env bash
# Starts the PoET engine of one validator (image hyperledger/sawtooth-poet-engine), in the
# simulator mode that Sawtooth's own PoET examples use (no SGX hardware).
#
#   NODE     the validator this engine serves (required), e.g. validator-3
#   GENESIS  1 beside the network's first validator: publish what its genesis block needs
#
# The validator's keys are mounted read-only at /etc/sawtooth/keys; the engine's own state
# (its sealed PoET signup data) lives in the volume at /var/lib/sawtooth.
set -euo pipefail

: "${NODE:?set NODE to the validator this engine serves, e.g. validator-3}"
# The official images' paths; tests/docker/test_start_scripts.py points them at a scratch folder.
KEYS=${KEYS_DIR:-/etc/sawtooth/keys}
SHARED=${SHARED_DIR:-/poet-shared}
SIMULATOR_PEM=${SIMULATOR_PEM:-/etc/sawtooth/simulator_rk_pub.pem}

# Files in the shared volume appear whole (written aside, then renamed), so the validator
# never reads a half-written one.
publish() {  # NAME COMMAND...: run COMMAND into $SHARED/NAME unless it is already there
    local name=$1
    shift
    if [ ! -s "$SHARED/$name" ]; then
        "$@" >"$SHARED/$name.tmp"
        mv "$SHARED/$name.tmp" "$SHARED/$name"
    fi
}

if [ "${GENESIS:-0}" = 1 ]; then
    publish poet-enclave-measurement poet enclave measurement
    publish poet-enclave-basename poet enclave basename
    publish simulator_rk_pub.pem cat "$SIMULATOR_PEM"
fi

until [ -s "$KEYS/validator.priv" ] && [ -s "$KEYS/validator.pub" ]; do
    echo "poet-engine for $NODE: waiting for the validator's keys"
    sleep 2
done

if [ "${GENESIS:-0}" = 1 ] && [ ! -s "$SHARED/poet.batch" ]; then
    poet registration create -k "$KEYS/validator.priv" -o "$SHARED/poet.batch.tmp"
    mv "$SHARED/poet.batch.tmp" "$SHARED/poet.batch"
fi

exec poet-engine -C "tcp://$NODE:5050" --component "tcp://$NODE:4004"
