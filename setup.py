"""Maps each top-level folder of the repository to a subpackage of `smartblocks`.

The layout shows the architecture (processors/, clients/, devnet/, ...), while imports stay under
one namespace: `smartblocks.processors.runtime`, never a generic top-level `processors`.
Everything else lives in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = ["protos", "ledger", "processors", "devnet", "blockmeter", "clients"]

packages: list[str] = []
package_dir: dict[str, str] = {}
for folder in FOLDERS:
    namespace = f"smartblocks.{folder}"
    package_dir[namespace] = folder
    packages.append(namespace)
    # Namespace discovery also lists data folders (portal static files, examples), so their
    # files ship as package data.
    packages += [
        f"{namespace}.{sub}" for sub in find_namespace_packages(folder, exclude=["*__pycache__*"])
    ]

setup(
    packages=packages,
    package_dir=package_dir,
    # *.pyi and py.typed: the generated protobuf stubs (protos/*_pb2.pyi), for type checkers.
    package_data={
        "": [
            "*.proto",
            "*.pyi",
            "py.typed",
            "*.html",
            "*.css",
            "*.js",
            "*.svg",
            "*.toml",
            "*.pb",
            "LICENSE",
        ]
    },
)
