"""Packages found by setuptools, not listed by hand: the project root is the package
``spedrules`` (``package-dir`` in pyproject.toml), so discovery runs on the root and names what
it finds under ``spedrules.``. A new plugin folder with an ``__init__.py`` ships whole, its data
by the ``package-data`` globs of pyproject.toml (tests/core/test_packaging.py checks both)."""

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

# folders that are not part of the package (tests and benchmarks have no __init__.py either)
NOT_SHIPPED = ["tests", "tests.*", "benchmarks", "benchmarks.*", "build", "build.*"]


def packages() -> list[str]:
    return ["spedrules", *(f"spedrules.{p}" for p in find_packages(".", exclude=NOT_SHIPPED))]


class BuildPy(build_py):
    """The root package's modules, but not this file (it sits in the root, which is the package)."""

    def find_package_modules(self, package, package_dir):
        found = super().find_package_modules(package, package_dir)
        return [m for m in found if not (package == "spedrules" and m[1] == "setup")]


if __name__ == "__main__":
    setup(packages=packages(), cmdclass={"build_py": BuildPy})
