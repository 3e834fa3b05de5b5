#!/usr/bin/env bash
# Starts one Sawtooth 1.2 validator of docker/compose.yaml (image hyperledger/sawtooth-validator).
#
#   NODE     this validator's host name on the compose network (required), e.g. validator-3
#   PEERS    comma-separated tcp://HOST:8800 of the validators started before this one
#   ENDPOINT the address other validators reach this one at (default tcp://$NODE:8800)
#   GENESIS  1 on the network's first validator only: it writes the genesis block
#   BLOCKMETER_AUTHORITIES  with GENESIS=1: comma-separated public keys of the BlockMeter
#            metering authorities (who create sites), the genesis setting
#            smartblocks.blockmeter.authorities; later changed by settings proposals and votes
#
# Keys (/etc/sawtooth/keys) and chain (/var/lib/sawtooth) are volumes, so a restart keeps the
# node's identity and its copy of the ledger; nothing here overwrites either.
set -euo pipefail

: "${NODE:?set NODE to the host name of this validator, e.g. validator-3}"
ENDPOINT="${ENDPOINT:-tcp://${NODE}:8800}"
PEERS="${PEERS:-}"
# The official images' paths; tests/docker/test_start_scripts.py points them at a scratch folder.
KEYS=${KEYS_DIR:-/etc/sawtooth/keys}
DATA=${DATA_DIR:-/var/lib/sawtooth}
SHARED=${SHARED_DIR:-/poet-shared}
BLOCKMETER_AUTHORITIES="${BLOCKMETER_AUTHORITIES:-}"

key='0[23][0-9a-f]{64}'
if [ -n "$BLOCKMETER_AUTHORITIES" ] && ! [[ "$BLOCKMETER_AUTHORITIES" =~ ^$key(,$key)*$ ]]; then
    echo "validator $NODE: BLOCKMETER_AUTHORITIES must be public keys (66 lowercase hex," \
        "starting 02 or 03) separated by commas, got '$BLOCKMETER_AUTHORITIES'" >&2
    exit 1
fi

if [ ! -f "$KEYS/validator.priv" ]; then
    sawadm keygen
fi
echo "validator $NODE: public key $(cat "$KEYS/validator.pub")"

wait_for() {
    until [ -s "$1" ]; do
        echo "validator $NODE: waiting for $1"
        sleep 2
    done
}

# Genesis happens once per network. The marker in the shared volume stops validator-0 from
# founding a second chain if its own data volume is ever lost: it then syncs from its peers.
if [ "${GENESIS:-0}" = 1 ] && [ ! -f "$DATA/block-chain-id" ] && [ ! -f "$DATA/genesis.batch" ] \
    && [ ! -f "$SHARED/genesis.done" ]; then
    # poet-engine-0 publishes the simulator's enclave identity and validator-0's PoET
    # registration; the genesis block must contain both.
    for file in poet-enclave-measurement poet-enclave-basename simulator_rk_pub.pem poet.batch; do
        wait_for "$SHARED/$file"
    done
    work=$(mktemp -d)
    cd "$work"
    sawset genesis -k "$KEYS/validator.priv" -o config-genesis.batch
    sawset proposal create -k "$KEYS/validator.priv" -o config.batch \
        sawtooth.consensus.algorithm.name=PoET \
        sawtooth.consensus.algorithm.version=0.1 \
        sawtooth.poet.report_public_key_pem="$(cat "$SHARED/simulator_rk_pub.pem")" \
        sawtooth.poet.valid_enclave_measurements="$(cat "$SHARED/poet-enclave-measurement")" \
        sawtooth.poet.valid_enclave_basenames="$(cat "$SHARED/poet-enclave-basename")"
    # Blocks about every 5 s once the network runs; the first block after 25 s.
    sawset proposal create -k "$KEYS/validator.priv" -o poet-settings.batch \
        sawtooth.poet.target_wait_time=5 \
        sawtooth.poet.initial_wait_time=25 \
        sawtooth.publisher.max_batches_per_block=100
    # SmartBlocks' settings (docs/settings.md): the BlockInfo batch injector, whose records are
    # the ledger's time, the validation rules that keep its transaction the publisher's alone
    # and first in each block, and the BlockMeter metering authorities.
    smartblocks=(
        sawtooth.validator.batch_injectors=block_info
        "sawtooth.validator.block_validation_rules=NofX:1,block_info;XatY:block_info,0;local:0"
    )
    if [ -n "$BLOCKMETER_AUTHORITIES" ]; then
        smartblocks+=("smartblocks.blockmeter.authorities=$BLOCKMETER_AUTHORITIES")
    else
        echo "validator $NODE: BLOCKMETER_AUTHORITIES is not set: nobody can create sites until" \
            "a settings proposal sets smartblocks.blockmeter.authorities (docs/settings.md)"
    fi
    sawset proposal create -k "$KEYS/validator.priv" -o smartblocks.batch "${smartblocks[@]}"
    sawadm genesis config-genesis.batch config.batch "$SHARED/poet.batch" poet-settings.batch \
        smartblocks.batch
    touch "$SHARED/genesis.done"
    cd /
    rm -rf "$work"
fi

args=(
    -v
    --bind network:tcp://eth0:8800
    --bind component:tcp://eth0:4004
    --bind consensus:tcp://eth0:5050
    --endpoint "$ENDPOINT"
    --peering static
    --scheduler parallel
    --network-auth trust
)
if [ -n "$PEERS" ]; then
    args+=(--peers "$PEERS")
fi
exec sawtooth-validator "${args[@]}"
