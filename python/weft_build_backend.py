"""A PEP 517 build backend for `pip install ./python`, standard library only.

pip runs it in an isolated environment with nothing installed (pyproject.toml's `requires` is
empty), so no package index is needed. build_wheel configures and builds the repository with
CMake (the kernel, the plugins and the pybind11 module for the interpreter running pip) and
packs one wheel:
    weft/*.py            the package's Python layer (python/weft)
    weft/_weft*.so       the compiled module
    weft/plugins/*.so    the family, link, integrator and optimizer plugins (the module looks
                         for plugins in its own folder's plugins/ first)
Environment: WEFT_BUILD_DIR  an existing or new build folder (default: python/build-wheel);
             WEFT_BUILD_JOBS parallel build jobs (default: the number of cores).
"""

import base64
import csv
import hashlib
import io
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _version():
    text = (ROOT / "core" / "include" / "weft" / "version.hpp").read_text(encoding="utf-8")
    return re.search(r'#define WEFT_VERSION_STRING "([^"]+)"', text).group(1)


def _tag():
    impl = f"cp{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{impl}-{impl}-{platform}"


def _metadata():
    return (f"Metadata-Version: 2.1\nName: weft\nVersion: {_version()}\n"
            "Summary: Linear and generalised linear mixed models with lme4 / glmmTMB numerics (interlace API)\n"
            "Requires-Python: >=3.8\nRequires-Dist: numpy\nRequires-Dist: pandas\n"
            "Provides-Extra: plots\nRequires-Dist: matplotlib; extra == \"plots\"\n")


def _run(command):
    print("weft build:", " ".join(str(c) for c in command), file=sys.stderr, flush=True)
    subprocess.run([str(c) for c in command], check=True)


def _build():
    """Configures (once) and builds the module and plugins; returns the build folder."""
    if not (ROOT / "CMakeLists.txt").exists():
        raise RuntimeError(f"weft: the repository's CMakeLists.txt is not beside {HERE} "
                           "(install from a clone: pip install ./python)")
    build = Path(os.environ.get("WEFT_BUILD_DIR") or HERE / "build-wheel")
    if not build.is_absolute():
        build = (Path.cwd() / build).resolve()
    if not (build / "CMakeCache.txt").exists():
        _run(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
              f"-DPython_EXECUTABLE={sys.executable}", "-DWEFT_BUILD_TESTS=OFF"])
    jobs = os.environ.get("WEFT_BUILD_JOBS") or str(os.cpu_count() or 1)
    _run(["cmake", "--build", build, "--target", "weft_python", "-j", jobs])
    return build


def _files(build):
    """(path in the wheel, file on disk) of everything the wheel holds."""
    out = [(f"weft/{p.name}", p) for p in sorted((HERE / "weft").glob("*.py"))]
    modules = sorted((build / "python" / "weft").glob("_weft*.so"))
    if not modules:
        raise RuntimeError(f"weft: the build made no module in {build / 'python' / 'weft'} "
                           "(is pybind11-dev installed? see scripts/install-deps.sh)")
    out += [(f"weft/{m.name}", m) for m in modules]
    out += [(f"weft/plugins/{p.name}", p) for p in sorted((build / "plugins").glob("*.so"))]
    return out


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [name, f"sha256={digest}", str(len(data))]


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = Path(metadata_directory) / f"weft-{_version()}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(_metadata(), encoding="utf-8")
    return info.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    build = _build()
    version = _version()
    name = f"weft-{version}-{_tag()}.whl"
    info = f"weft-{version}.dist-info"
    records = []
    with zipfile.ZipFile(Path(wheel_directory) / name, "w", zipfile.ZIP_DEFLATED) as wheel:
        def add(arcname, data, mode=0o644):
            entry = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            entry.external_attr = (0o100000 | mode) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(entry, data)
            records.append(_record_line(arcname, data))
        for arcname, path in _files(build):
            add(arcname, path.read_bytes(), 0o755 if path.suffix == ".so" else 0o644)
        add(f"{info}/METADATA", _metadata().encode())
        add(f"{info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: weft_build_backend\nRoot-Is-Purelib: false\n"
                              f"Tag: {_tag()}\n").encode())
        record = io.StringIO()
        writer = csv.writer(record, lineterminator="\n")
        writer.writerows(records + [[f"{info}/RECORD", "", ""]])
        wheel.writestr(f"{info}/RECORD", record.getvalue())
    return name
