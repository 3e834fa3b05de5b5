"""The generated *_pb2.py modules and *_pb2.pyi stubs are committed; these tests keep them
honest."""

import importlib.util
import shutil
import sys
import textwrap

from smartblocks.protos.build import HERE, compile_protos, stale_modules

UNITS_PROTO = 'syntax = "proto3";\npackage zztest;\nmessage Energy { int64 mwh = 1; }\n'
READING_PROTO = (
    'syntax = "proto3";\npackage zztest;\nimport "zz_test_units.proto";\n'
    'import "google/protobuf/timestamp.proto";\n'
    "enum Quality { GOOD = 0; ESTIMATED = 1; }\n"
    "message Reading { Energy energy = 1; Quality quality = 2; google.protobuf.Timestamp at = 3;"
    " repeated Energy parts = 4; }\n"
)


def write_protos(src):
    src.mkdir()
    (src / "zz_test_units.proto").write_text(UNITS_PROTO)
    (src / "zz_test_reading.proto").write_text(READING_PROTO)


def test_committed_modules_match_sources():
    assert stale_modules() == [], "run `make protos` and commit the result"


def test_every_proto_has_a_module_and_a_stub():
    for proto in HERE.glob("*.proto"):
        for suffix in ("_pb2.py", "_pb2.pyi"):
            assert (HERE / (proto.stem + suffix)).is_file(), f"run `make protos`: {proto.name}"


def test_stale_missing_and_orphaned_files_are_reported(tmp_path):
    src = tmp_path / "src"
    write_protos(src)
    compile_protos(src, src)
    assert stale_modules(src) == []

    stub = src / "zz_test_units_pb2.pyi"
    stub.write_text(stub.read_text().replace("mwh: int", "mwh: str"))
    assert stale_modules(src) == ["zz_test_units_pb2.pyi"]
    stub.unlink()
    assert stale_modules(src) == ["zz_test_units_pb2.pyi"]
    compile_protos(src, src)
    (src / "zz_test_reading.proto").unlink()
    assert stale_modules(src) == ["zz_test_reading_pb2.py", "zz_test_reading_pb2.pyi"]


def test_cross_file_imports_become_relative(tmp_path):
    src = tmp_path / "src"
    pkg = tmp_path / "pkg"
    write_protos(src)
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    compile_protos(pkg, src)
    assert (
        "from . import zz_test_units_pb2 as zz__test__units__pb2"
        in (pkg / "zz_test_reading_pb2.py").read_text()
    )
    assert (
        "from . import zz_test_units_pb2 as _zz_test_units_pb2"
        in (pkg / "zz_test_reading_pb2.pyi").read_text()
    )

    spec = importlib.util.spec_from_file_location("pkg", pkg / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["pkg"] = module
    try:
        spec.loader.exec_module(module)
        from pkg import zz_test_reading_pb2  # type: ignore[import-not-found]

        msg = zz_test_reading_pb2.Reading()
        msg.energy.mwh = 1500
        msg.at.seconds = 1_700_000_000
        back = zz_test_reading_pb2.Reading.FromString(msg.SerializeToString())
        assert (back.energy.mwh, back.at.seconds) == (1500, 1_700_000_000)
    finally:
        for name in [n for n in sys.modules if n == "pkg" or n.startswith("pkg.")]:
            del sys.modules[name]


def test_mypy_reads_the_stubs(tmp_path):
    """The stubs type fields and enums for mypy with the installed types-protobuf."""
    from mypy import api

    src = tmp_path / "src"
    pkg = tmp_path / "pkg"
    write_protos(src)
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    compile_protos(pkg, src)
    shutil.copy(HERE / "blockmeter_pb2.pyi", pkg)
    (tmp_path / "use.py").write_text(
        textwrap.dedent(
            """
            from pkg.blockmeter_pb2 import Meter, MeterKind
            from pkg.zz_test_reading_pb2 import Quality, Reading

            reveal_type(Reading().energy.mwh)
            reveal_type(Reading().at.seconds)
            reveal_type(Reading().parts)
            reveal_type(Quality.Name(Quality.ESTIMATED))
            reveal_type(MeterKind.Value("GAS"))
            reveal_type(Meter.FromString(b"").device_keys)
            Reading(energy={"mwh": 1}).nonexistent
            """
        )
    )
    out, err, _ = api.run(
        [
            "--no-incremental",
            "--cache-dir=/dev/null",
            "--config-file=",
            "--python-version=3.11",
            str(tmp_path / "use.py"),
        ]
    )
    assert err == ""
    reveals = [
        line.split("Revealed type is ", 1)[1] for line in out.splitlines() if "Revealed" in line
    ]
    assert reveals == [
        '"int"',
        '"int"',
        '"google.protobuf.internal.containers.RepeatedCompositeFieldContainer['
        'pkg.zz_test_units_pb2.Energy]"',
        '"str"',
        '"int"',
        '"google.protobuf.internal.containers.RepeatedScalarFieldContainer[str]"',
    ], out
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 1 and '"Reading" has no attribute "nonexistent"' in errors[0], out
