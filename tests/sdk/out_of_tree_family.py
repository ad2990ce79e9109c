#!/usr/bin/env python3
"""The SDK test: a third-party family built against the *installed* weft and fitted with it.

    out_of_tree_family.py --cmake CMAKE --build-dir BUILD --example DIR --checker CHECK_REFERENCE
                          --work WORK [--cxx CXX] [--compiler-launcher CCACHE] [--keep]

1. `cmake --install BUILD --prefix WORK/prefix` (the weft executable, SDK headers, plugins and
   the CMake package);
2. configures examples/family-plugin with -DCMAKE_PREFIX_PATH=WORK/prefix (and checks that
   find_package(weft) found that prefix), builds it and installs it: weft_add_family() puts
   weft_family_genpois.so into WORK/prefix/lib/weft/plugins;
3. with WEFT_PLUGIN_PATH unset, checks that the installed weft lists its plugins (genpois
   included) from WORK/prefix only, and that `weft check-family` passes on the new plugin;
4. fits a copy of the example's data with the installed weft and compares the result with
   glmmTMB's genpois fit (expected.json) through tests/reference/check_reference.py.

Prints each step; exits 0 only when all pass. WORK is deleted first, and again on success
unless --keep. Python 3 standard library only.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time


class Failure(Exception):
    pass


def run(cmd, env=None, cwd=None, expect=0):
    started = time.time()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                          universal_newlines=True)
    print("$ %s   [%.1f s, exit %d]" % (" ".join(cmd), time.time() - started, proc.returncode))
    if proc.returncode != expect:
        print(proc.stdout)
        raise Failure("%s exited with %d" % (os.path.basename(cmd[0]) + " " + " ".join(cmd[1:3]), proc.returncode))
    return proc.stdout


def clean_env():
    env = dict(os.environ)
    env.pop("WEFT_PLUGIN_PATH", None)
    return env


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--cmake", required=True)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--example", required=True)
    p.add_argument("--checker", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--cxx")
    p.add_argument("--compiler-launcher")
    p.add_argument("--keep", action="store_true")
    a = p.parse_args(argv)

    work = os.path.abspath(a.work)
    prefix = os.path.join(work, "prefix")
    example_build = os.path.join(work, "example-build")
    case = os.path.join(work, "genpois")  # the case name check_reference.py prints
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = clean_env()
    try:
        # 1. install weft
        run([a.cmake, "--install", a.build_dir, "--prefix", prefix], env=env)
        weft = os.path.join(prefix, "bin", "weft")
        plugin_dir = os.path.join(prefix, "lib", "weft", "plugins")
        for path in (weft, os.path.join(prefix, "include", "weft", "family.hpp"),
                     os.path.join(prefix, "lib", "cmake", "weft", "weftConfig.cmake"),
                     os.path.join(prefix, "lib", "cmake", "weft", "weftConfigVersion.cmake"),
                     os.path.join(plugin_dir, "weft_family_binomial.so")):
            if not os.path.exists(path):
                raise Failure("the install did not create " + path)
        print("installed: bin/weft, include/weft, lib/cmake/weft, lib/weft/plugins")

        # 2. build and install the example against the installed package
        configure = [a.cmake, "-S", a.example, "-B", example_build, "-DCMAKE_PREFIX_PATH=" + prefix,
                     "-DCMAKE_BUILD_TYPE=Release"]
        if a.cxx:
            configure.append("-DCMAKE_CXX_COMPILER=" + a.cxx)
        if a.compiler_launcher:
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=" + a.compiler_launcher)
        run(configure, env=env)
        with open(os.path.join(example_build, "CMakeCache.txt")) as f:
            found = [line.strip() for line in f if line.startswith("weft_DIR:")]
        expected_dir = os.path.join(prefix, "lib", "cmake", "weft")
        if not found or os.path.realpath(found[0].split("=", 1)[1]) != os.path.realpath(expected_dir):
            raise Failure("find_package(weft) found %s, not %s" % (found, expected_dir))
        print("find_package(weft CONFIG) used " + expected_dir)
        run([a.cmake, "--build", example_build], env=env)
        built = os.path.join(example_build, "weft_family_genpois.so")
        if not os.path.exists(built):
            raise Failure("weft_add_family(genpois ...) did not build " + built)
        run([a.cmake, "--install", example_build], env=env)
        installed = os.path.join(plugin_dir, "weft_family_genpois.so")
        if not os.path.exists(installed):
            raise Failure("installing the example did not put the plugin into " + plugin_dir)
        print("plugin installed: " + installed)

        # 3. the installed weft finds it (no environment variables) and check-family passes
        listing = run([weft, "plugins"], env=env, cwd=work)
        rows = [line.split() for line in listing.splitlines()[1:] if line and not line.startswith("unusable")]
        files = {(r[0], r[1]): r[3] for r in reversed(rows) if len(r) >= 4}  # the first of a name wins
        for key in (("family", "genpois"), ("family", "binomial"), ("integrator", "laplace"), ("optimizer", "lbfgsb")):
            where = files.get(key)
            if not where or not os.path.realpath(where).startswith(os.path.realpath(plugin_dir)):
                raise Failure("the installed weft does not take %s %s from %s (got %s)" % (key + (plugin_dir, where)))
        if any(not os.path.realpath(r[3]).startswith(os.path.realpath(prefix)) for r in rows if len(r) >= 4):
            raise Failure("the installed weft also loads plugins from outside its prefix:\n" + listing)
        print("weft plugins: every plugin from " + plugin_dir)
        report = run([weft, "check-family", installed], env=env)
        print(report.strip().splitlines()[-1])

        # 4. fit the committed data with the installed weft, compare with glmmTMB
        os.makedirs(case)
        for name in ("data.csv", "config.yaml", "expected.json"):
            shutil.copy(os.path.join(a.example, name), case)
        result = run([sys.executable, a.checker, weft, case], env=env)
        print(result.strip())
    except Failure as e:
        print("FAIL sdk: out-of-tree family: %s (work folder kept: %s)" % (e, work))
        return 1
    print("PASS sdk: out-of-tree family")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
