"""Compile protos/*.proto into the *_pb2.py modules and *_pb2.pyi stubs beside them.

The generated files are committed, so `pip install` needs no compiler and mypy sees every
message's fields and types; the test suite regenerates them into a temporary folder and fails
when they drift from the sources.

    python -m smartblocks.protos.build            # regenerate in place
    python -m smartblocks.protos.build --check    # exit 1 if the committed files are stale
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# What protoc writes for each .proto: the module, and its type stub (--pyi_out).
GENERATED = ("*_pb2.py", "*_pb2.pyi")


def _generated(folder: Path) -> list[Path]:
    return sorted(p for pattern in GENERATED for p in folder.glob(pattern))


def compile_protos(out_dir: Path, src_dir: Path = HERE) -> list[Path]:
    """Run protoc over every .proto in src_dir; return the generated modules and stubs."""
    from grpc_tools import protoc  # dev-only code generator

    sources = sorted(src_dir.glob("*.proto"))
    if not sources:
        return []
    # The well-known types (google/protobuf/timestamp.proto, ...) ship with grpcio-tools.
    well_known = Path(protoc.__file__).resolve().parent / "_proto"
    args = [
        "protoc",
        f"-I{src_dir}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        *map(str, sources),
    ]
    if protoc.main(args) != 0:
        raise SystemExit(f"protoc failed on {src_dir}")
    generated = _generated(out_dir)
    for path in generated:
        # protoc writes `import x_pb2 as ...` for imports between our files, in modules and
        # stubs alike; inside the smartblocks.protos package they must be relative.
        text = re.sub(r"^import (\w+_pb2) as", r"from . import \1 as", path.read_text(), flags=re.M)
        path.write_text(text)
    return generated


def stale_modules(src_dir: Path = HERE) -> list[str]:
    """Names of generated modules and stubs that differ from what the sources compile to.

    A file protoc would write but that is not committed counts, and so does a committed one
    whose .proto is gone.
    """
    with tempfile.TemporaryDirectory() as tmp:
        fresh = {p.name: p.read_text() for p in compile_protos(Path(tmp), src_dir)}
    committed = {p.name: p.read_text() for p in _generated(src_dir)}
    names = sorted(set(fresh) | set(committed))
    return [n for n in names if fresh.get(n) != committed.get(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    if parser.parse_args().check:
        stale = stale_modules()
        if stale:
            sys.exit("stale generated files (run `make protos`): " + ", ".join(stale))
        print("generated modules and stubs match protos/*.proto")
        return
    for path in compile_protos(HERE):
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
