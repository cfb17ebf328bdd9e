"""The built distributions carry the license and the typing marker."""

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _build(kind: str, out: Path) -> Path:
    # The installed setuptools builds offline (no isolated build environment to download).
    code = ("import sys; from setuptools import build_meta as b; "
            f"print(b.build_{kind}(sys.argv[1]))")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    name = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True).stdout.split()[-1]
    return out / name


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("dist")


def test_wheel_contains_license_and_py_typed(build_dir):
    wheel = _build("wheel", build_dir)
    names = zipfile.ZipFile(wheel).namelist()
    assert "skdeepclust/py.typed" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: BSD-3-Clause" in text
    assert "Classifier: Typing :: Typed" in text


def test_sdist_contains_license_and_py_typed(build_dir):
    sdist = _build("sdist", build_dir)
    names = tarfile.open(sdist).getnames()
    assert any(name.endswith("/LICENSE") for name in names)
    assert any(name.endswith("/skdeepclust/py.typed") for name in names)
