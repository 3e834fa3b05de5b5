"""Maps each top-level folder of the repository to a subpackage of `smartblocks`.

The layout shows the architecture (processors/, clients/, devnet/, ...), while imports stay under
one namespace: `smartblocks.processors.runtime`, never a generic top-level `processors`.
Everything else lives in pyproject.toml.
"""

from setuptools import find_packages, setup

FOLDERS = ["processors", "clients", "devnet", "blockmeter", "protos"]

packages: list[str] = []
package_dir: dict[str, str] = {}
for folder in FOLDERS:
    namespace = f"smartblocks.{folder}"
    package_dir[namespace] = folder
    packages.append(namespace)
    packages += [f"{namespace}.{sub}" for sub in find_packages(folder)]

setup(
    packages=packages,
    package_dir=package_dir,
    package_data={"": ["*.proto", "static/*", "static/**/*", "templates/*"]},
)
