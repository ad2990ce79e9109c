#!/usr/bin/env python3
"""`mpirun -n K weft fit` gives the single-process numbers (issue 16).

For every model directory given (config.yaml + its data), fits it once as one process and
again under `mpirun -n K` for each K, and compares fixef, standard errors, random-effect SDs
and correlations, family parameters, zero-model coefficients, loglik, AIC/BIC, nobs and the
converged flag: each number must agree to --tolerance relative (1e-8; a value below 1e-6 in
size is held to 1e-14 absolute). Standard errors are held to --se-tolerance (1e-4): where a
Hessian comes from finite differences (family parameters, zero models) they are accurate to
about 1e-5 in one process too -- the same fit with its rows in another order moves the NB1 phi's
SE by 1e-5 -- and the order of a sum over rows is what sharding changes. A fit that stops at
its evaluation limit (exit 3) is held to its exit code only: its point is where the path ended. With --shard-files, the data file is also split into K parts
(rows dealt out in blocks) written beside a copy of the config with `data: [part0.csv, ...]`,
and that fit must give the same numbers too: every process then holds the rows of its files.

usage: check_mpi.py WEFT MPIRUN CASE_DIR... [--ranks 2 4] [--shard-files]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

COMPARED = ["loglik", "aic", "bic", "deviance", "nobs", "df_resid", "fixef", "se", "zi_fixef", "zi_se",
            "family_parameters", "family_parameters_se", "random", "converged"]


def flatten(value, prefix, out):
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, prefix + "." + str(k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            flatten(v, "%s[%d]" % (prefix, i), out)
    else:
        out[prefix] = value
    return out


def numbers(doc):
    out = {}
    for key in COMPARED:
        flatten(doc.get(key), key, out)
    return out


def fit(command, config):
    p = subprocess.run(command + ["fit", config, "--format", "json", "--quiet"], capture_output=True, text=True,
                       timeout=900)
    if p.returncode not in (0, 3):
        raise RuntimeError("%s: exit %d: %s" % (" ".join(command), p.returncode, p.stderr.strip()[-500:]))
    return json.loads(p.stdout), p.returncode


def differences(single, multi, tolerance, se_tolerance):
    a, b = numbers(single), numbers(multi)
    bad = []
    if a.keys() != b.keys():
        return ["different keys: %s" % sorted(set(a) ^ set(b))]
    for key, x in a.items():
        y = b[key]
        if isinstance(x, (int, float)) and not isinstance(x, bool) and isinstance(y, (int, float)):
            scale = max(abs(x), abs(y))
            relative = se_tolerance if key.split(".")[0].endswith("se") else tolerance
            limit = relative * scale if scale >= 1e-6 else 1e-14
            if abs(x - y) > limit:
                bad.append("%s: %r vs %r (relative %.2e)" % (key, x, y, abs(x - y) / max(scale, 1e-300)))
        elif x != y:
            bad.append("%s: %r vs %r" % (key, x, y))
    return bad


def sharded_copy(case, parts, workdir):
    """The case with its data split into `parts` files and data: [part0.csv, ...]."""
    config_text = open(os.path.join(case, "config.yaml")).read()
    lines = open(os.path.join(case, "data.csv")).read().splitlines(True)
    header, rows = lines[0], [l for l in lines[1:] if l.strip()]
    names = []
    for k in range(parts):
        name = "part%d.csv" % k
        block = rows[len(rows) * k // parts: len(rows) * (k + 1) // parts]
        with open(os.path.join(workdir, name), "w") as f:
            f.write(header + "".join(block))
        names.append(name)
    out = []
    for line in config_text.splitlines():
        out.append("data: [%s]" % ", ".join(names) if line.startswith("data:") else line)
    with open(os.path.join(workdir, "config.yaml"), "w") as f:
        f.write("\n".join(out) + "\n")
    return os.path.join(workdir, "config.yaml")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("weft")
    ap.add_argument("mpirun")
    ap.add_argument("cases", nargs="+")
    ap.add_argument("--ranks", type=int, nargs="+", default=[2])
    ap.add_argument("--tolerance", type=float, default=1e-8)
    ap.add_argument("--se-tolerance", type=float, default=1e-4)
    ap.add_argument("--shard-files", action="store_true")
    args = ap.parse_args()
    weft = [os.path.abspath(args.weft)]
    failures = 0
    for case in args.cases:
        config = os.path.join(case, "config.yaml")
        single, code = fit(weft, config)
        runs = []
        for k in args.ranks:
            runs.append(("mpirun -n %d" % k, [args.mpirun, "-n", str(k), "--oversubscribe", "--allow-run-as-root",
                                               "--mca", "btl", "self,vader"] + weft, config))
        workdir = tempfile.mkdtemp(prefix="weft_mpi_")
        try:
            if args.shard_files:
                for k in args.ranks:
                    d = os.path.join(workdir, "k%d" % k)
                    os.makedirs(d)
                    sharded = sharded_copy(case, k, d)
                    runs.append(("%d files, one process" % k, weft, sharded))
                    runs.append(("%d files, mpirun -n %d" % (k, k),
                                 [args.mpirun, "-n", str(k), "--oversubscribe", "--allow-run-as-root",
                                  "--mca", "btl", "self,vader"] + weft, sharded))
            for label, command, cfg in runs:
                try:
                    multi, multi_code = fit(command, cfg)
                except RuntimeError as e:
                    print("FAIL %s (%s): %s" % (case, label, e))
                    failures += 1
                    continue
                bad = differences(single, multi, args.tolerance, args.se_tolerance) if code == 0 else []
                if multi_code != code:
                    bad.append("exit %d vs %d" % (multi_code, code))
                if bad:
                    failures += 1
                    print("FAIL %s (%s): %s" % (case, label, "; ".join(bad[:5])))
                else:
                    print("ok   %s (%s)" % (os.path.basename(os.path.normpath(case)), label))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
