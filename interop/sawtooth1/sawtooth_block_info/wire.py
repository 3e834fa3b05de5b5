"""Sawtooth's BlockInfo messages in protobuf wire format, by hand, on the standard library alone.

The Sawtooth 1.0 validator's environment has no `block_info_pb2` (1.0 shipped no BlockInfo
family), and one process cannot load a second copy of Sawtooth's protos, so the plugin encodes
the three small messages itself (sawtooth-core's protos/block_info.proto):

    BlockInfoConfig { uint64 latest_block = 1; uint64 oldest_block = 2;
                      uint64 target_count = 3; uint64 sync_tolerance = 4; }
    BlockInfo       { uint64 block_num = 1; string previous_block_id = 2;
                      string signer_public_key = 3; string header_signature = 4;
                      uint64 timestamp = 5; }
    BlockInfoTxn    { BlockInfo block = 1; uint64 target_count = 2; uint64 sync_tolerance = 3; }

Fields in number order, defaults (0, "") left out: the bytes protobuf's own serializer writes,
which tests/interop/test_block_info_plugin.py checks against sawtooth_sdk's block_info_pb2.
Addresses are SmartBlocks' ledger/block_info.py's (Sawtooth's BlockInfo layout).
"""

NAMESPACE = "00b10c"
BLOCK_PREFIX = NAMESPACE + "00"
CONFIG_ADDRESS = NAMESPACE + "01" + "0" * 62
FAMILY_NAME = "block_info"
FAMILY_VERSION = "1.0"

_VARINT, _LENGTH = 0, 2


def block_address(block_num):
    return BLOCK_PREFIX + format(block_num, "062x")


def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(number, wire_type):
    return _varint(number << 3 | wire_type)


def _uint(number, value):
    return _key(number, _VARINT) + _varint(value) if value else b""


def _bytes(number, value):
    return _key(number, _LENGTH) + _varint(len(value)) + value if value else b""


def block_info_txn(block_num, previous_block_id, signer_public_key, header_signature, timestamp):
    """A BlockInfoTxn payload with target_count and sync_tolerance left 0 (keep the config)."""
    info = (
        _uint(1, block_num)
        + _bytes(2, previous_block_id.encode())
        + _bytes(3, signer_public_key.encode())
        + _bytes(4, header_signature.encode())
        + _uint(5, timestamp)
    )
    return _key(1, _LENGTH) + _varint(len(info)) + info


def _fields(data):
    """(number, value) of each field: ints for varints, bytes for length-delimited."""
    position = 0
    while position < len(data):
        key, position = _read_varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == _VARINT:
            value, position = _read_varint(data, position)
            yield number, value
        elif wire_type == _LENGTH:
            length, position = _read_varint(data, position)
            yield number, data[position : position + length]
            position += length
        else:
            raise ValueError(f"unexpected wire type {wire_type}")


def _read_varint(data, position):
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


def uint_field(data, number):
    """A uint64 field of a message; 0 when absent."""
    found = 0
    for field, value in _fields(data):
        if field == number and isinstance(value, int):
            found = value
    return found


def latest_block(config):
    """BlockInfoConfig.latest_block."""
    return uint_field(config, 1)


def timestamp_of(block_info):
    """BlockInfo.timestamp."""
    return uint_field(block_info, 5)
