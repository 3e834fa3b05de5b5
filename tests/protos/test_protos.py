"""The generated *_pb2.py modules are committed; these tests keep them honest."""

import importlib.util
import sys

from smartblocks.protos.build import compile_protos, stale_modules


def test_committed_modules_match_sources():
    assert stale_modules() == [], "run `make protos` and commit the result"


def test_cross_file_imports_become_relative(tmp_path):
    src = tmp_path / "src"
    pkg = tmp_path / "pkg"
    src.mkdir()
    pkg.mkdir()
    (src / "zz_test_units.proto").write_text(
        'syntax = "proto3";\npackage zztest;\nmessage Energy { int64 mwh = 1; }\n'
    )
    (src / "zz_test_reading.proto").write_text(
        'syntax = "proto3";\npackage zztest;\nimport "zz_test_units.proto";\n'
        "message Reading { Energy energy = 1; }\n"
    )
    (pkg / "__init__.py").write_text("")
    compile_protos(pkg, src)
    assert (
        "from . import zz_test_units_pb2 as zz__test__units__pb2"
        in (pkg / "zz_test_reading_pb2.py").read_text()
    )

    spec = importlib.util.spec_from_file_location("pkg", pkg / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["pkg"] = module
    try:
        spec.loader.exec_module(module)
        from pkg import zz_test_reading_pb2  # type: ignore[import-not-found]

        msg = zz_test_reading_pb2.Reading()
        msg.energy.mwh = 1500
        assert zz_test_reading_pb2.Reading.FromString(msg.SerializeToString()).energy.mwh == 1500
    finally:
        for name in [n for n in sys.modules if n == "pkg" or n.startswith("pkg.")]:
            del sys.modules[name]
