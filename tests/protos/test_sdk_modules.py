"""The SDK's message modules, rewritten so they load on protobuf's upb backend
(smartblocks.protos.sdk, docs/protobuf.md)."""

import sys
import types

import pytest
from google.protobuf import descriptor_pb2
from google.protobuf.internal import api_implementation

from smartblocks.protos import sdk


def old_style_module(file_name: str, *, shim: bool) -> str:
    """What a pre-3.19 protoc wrote for a file with one enum and one message: the descriptor
    built by hand around the serialized FileDescriptorProto (with the `_b` shim of protoc 3.0-3.5
    or a plain bytes literal)."""
    # Each file its own package: the default pool refuses a symbol defined twice.
    package = file_name.removesuffix(".proto")
    proto = descriptor_pb2.FileDescriptorProto(name=file_name, package=package, syntax="proto3")
    proto.enum_type.add(name="ZzQuality").value.add(name="ZZ_GOOD", number=0)
    reading = proto.message_type.add(name="ZzReading")
    reading.field.add(name="mwh", number=1, type=3, label=1, json_name="mwh")  # int64
    reading.field.add(name="meter", number=2, type=9, label=1, json_name="meter")  # string
    serialized = proto.SerializeToString()
    literal = f"_b({serialized.decode('latin1')!r})" if shim else repr(serialized)
    return (
        "import sys\n"
        "_b=sys.version_info[0]<3 and (lambda x:x) or (lambda x:x.encode('latin1'))\n"
        "from google.protobuf import descriptor as _descriptor\n"
        "from google.protobuf import symbol_database as _symbol_database\n"
        "_sym_db = _symbol_database.Default()\n\n"
        "DESCRIPTOR = _descriptor.FileDescriptor(\n"
        f"  name={file_name!r},\n  package='',\n  syntax='proto3',\n"
        f"  serialized_pb={literal}\n)\n\n"
        "_ZZREADING = _descriptor.Descriptor(name='ZzReading', full_name='ZzReading')\n"
    )


def load(text: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(text, name, "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("shim", [True, False], ids=["_b shim", "bytes literal"])
def test_an_old_style_module_rebuilt_keeps_its_messages_and_wire_format(shim):
    file_name = f"zz_sdk_test_{'shim' if shim else 'bytes'}.proto"
    rebuilt = sdk.rebuild(old_style_module(file_name, shim=shim), "zz.module_pb2")
    assert sdk.MARK in rebuilt
    module = load(rebuilt, "zz")
    reading = module.ZzReading(mwh=2**40, meter="hall")
    assert reading.SerializeToString() == b"\x08\x80\x80\x80\x80\x80\x20\x12\x04hall"
    assert module.ZzReading.FromString(reading.SerializeToString()) == reading
    assert module.ZZ_GOOD == 0  # top-level enum values stay module attributes
    assert module.DESCRIPTOR.name == file_name


def test_text_that_is_not_an_old_generated_module_is_refused():
    with pytest.raises(sdk.NotGeneratedModule, match="FileDescriptor"):
        sdk.rebuild("x = 1\n", "zz")
    with pytest.raises(sdk.NotGeneratedModule, match="not a literal"):
        sdk.rebuild("DESCRIPTOR = _descriptor.FileDescriptor(name='a', serialized_pb=f())\n", "z")


def test_the_installed_sdk_modules_are_rewritten_and_run_on_upb():
    """`make venv` (and the Docker image) ran the rewrite; a second run finds nothing to do."""
    folder = sdk.package_folder()
    assert sdk.old_modules(folder) == [], "run `python -m smartblocks.protos.sdk`"
    assert sdk.rewrite(folder) == []
    assert api_implementation.Type() == "upb"
    from sawtooth_sdk.protobuf.validator_pb2 import Message

    assert Message.TP_PROCESS_REQUEST == 5  # validator.proto
    assert "sawtooth_sdk.protobuf.validator_pb2" in sys.modules
