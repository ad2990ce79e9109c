#!/usr/bin/env python3
"""weft's optimum audit (see README.md beside this file).

    python3 tests/audit/audit.py WEFT --models DIR            [--jobs J] [--summary FILE]
    python3 tests/audit/audit.py WEFT --generate N [--seed S] [--jobs J] [--summary FILE]

For every model folder (config.yaml + data.csv) it fits the defaults, then alternatives:
BOBYQA, a tight L-BFGS-B, and restarts from other starts (weft's `start:` key), each of
those with L-BFGS-B and with BOBYQA. The best optimum is the highest log-likelihood of any
run that ended converged (exit 0); a higher point only a non-converged run (exit 3) reached is
noted, not counted (it is no optimum). A model is WRONG when its default fit says
"converged": true with a log-likelihood more than --tolerance (1e-3) below the best.

Exit status: 0 when nothing failed; 1 when any default fit is WRONG, any run crashed (exit
other than 0/2/3), the default fit timed out (--timeout, 60 s), any default fit refused a legal
model (exit 2), an alternative was refused for another reason than a missing `start:` key, any
exit 3 came without a reason in "warnings", or exit code and "converged" disagree. An
alternative that times out is only noted. 2 when the audit cannot run (no models, weft's
family plugins not loadable).
"""

import argparse
import collections
import concurrent.futures
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Spread starts for family parameters (by the parameter's name in "family_parameters").
FAMILY_STARTS = {
    "theta": [0.5, 50.0],      # nb2, zinb2, hurdle_nb2
    "phi": [0.2, 20.0],        # nb1 (dispersion); beta and zoib get their own below
    "shape": [0.5, 50.0],      # gamma
}
PRECISION_STARTS = [2.0, 200.0]  # beta / zoib phi (precision)

# Profile points: the family parameter held fixed (`family: {name: ..., par: v}`). A fit of
# the restricted model is a point of the same likelihood, so its log-likelihood is a lower
# bound of the maximum: if it beats the default fit, the default fit is not at the maximum.
# These need no `start:` support.
FAMILY_FIXED = {
    "theta": [0.5, 5.0, 50.0, 500.0],
    "phi": [0.1, 2.0, 30.0],
    "shape": [0.5, 5.0, 50.0],
}
PRECISION_FIXED = [2.0, 20.0, 200.0]


# ----------------------------------------------------------------------------- one fit

def run_fit(weft, config, sets, timeout):
    cmd = [weft, "fit", config, "--format", "json"]
    for s in sets:
        cmd += ["--set", s]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"rc": None, "timeout": True, "seconds": round(time.monotonic() - t0, 3),
                "loglik": None, "converged": None, "warnings": [], "stderr": "timeout"}
    out = {"rc": proc.returncode, "timeout": False, "seconds": round(time.monotonic() - t0, 3),
           "loglik": None, "converged": None, "warnings": [],
           "stderr": proc.stderr.strip()[-600:]}
    if proc.returncode in (0, 3):
        try:
            doc = json.loads(proc.stdout)
        except ValueError:
            out["parse_error"] = True
            return out
        ll = doc.get("loglik")
        out["loglik"] = float(ll) if isinstance(ll, (int, float)) and math.isfinite(ll) else None
        out["converged"] = doc.get("converged")
        out["warnings"] = doc.get("warnings") or []
        out["layout"] = {
            "random": [len(r.get("terms", [])) for r in doc.get("random", [])],
            "fixef": len(doc.get("fixef", {})),
            "zi_fixef": len(doc.get("zi_fixef", {}) or {}),
            "family_parameters": sorted((doc.get("family_parameters") or {}).keys()),
            "family": doc.get("family"),
        }
    return out


def crashed(run):
    return run["timeout"] or run["rc"] not in (0, 2, 3) or run.get("parse_error", False)


def flow(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def theta_start(blocks, diag):
    """lme4's theta order: per term, the lower triangle of the relative Cholesky factor,
    column by column; diag on the diagonal, 0 elsewhere."""
    out = []
    for k in blocks:
        for j in range(k):
            for i in range(j, k):
                out.append(diag if i == j else 0.0)
    return out


def alternatives(meta, layout, starts_supported):
    """(name, --set list) of the alternatives to the default fit."""
    bobyqa = "optimizer=bobyqa"
    alts = [("bobyqa", [bobyqa]),
            ("lbfgsb_tight", ["optimizer={name: lbfgsb, tolerance: 1e-9}"])]
    if layout is None:
        return alts
    family = layout.get("family") or meta.get("family")
    for par in layout["family_parameters"]:
        if par in ("zoi", "coi"):
            continue
        precision = par == "phi" and family in ("beta", "zoib")
        for v in (PRECISION_FIXED if precision else FAMILY_FIXED.get(par, [])):
            alts.append((f"fixed_{par}={v:g}", [f"family={{name: {family}, {par}: {float(v)!r}}}"]))
    if not starts_supported:
        return alts
    starts = []
    if layout["random"]:
        zero = {"fixef": [0.0] * layout["fixef"]}
        if layout["zi_fixef"]:
            zero["zi_fixef"] = [0.0] * layout["zi_fixef"]
        for diag in (1.0, 0.5, 2.0):
            parts = [f"theta: {flow(theta_start(layout['random'], diag))}"]
            if diag == 1.0:   # the first restart also starts the fixed effects at zero
                parts += [f"{k}: {flow(v)}" for k, v in zero.items() if v]
            name = f"start_theta{diag:g}" + ("_fixef0" if diag == 1.0 else "")
            starts.append((name, "{" + ", ".join(parts) + "}"))
    for par in layout["family_parameters"]:
        if par in ("zoi", "coi"):
            continue
        values = PRECISION_STARTS if (par == "phi" and meta.get("family") in ("beta", "zoib")) else FAMILY_STARTS.get(par)
        for v in values or []:
            starts.append((f"start_family_{par}{v:g}", f"{{family: {{{par}: {float(v)!r}}}}}"))
    for name, start in starts:
        alts.append((name, [f"start={start}"]))
        alts.append((name + "+bobyqa", [f"start={start}", bobyqa]))
    return alts


# ----------------------------------------------------------------------------- one model

def read_meta(folder):
    with open(os.path.join(folder, "config.yaml")) as fh:
        first = fh.readline()
    meta = {}
    if first.startswith("# audit-meta:"):
        meta = json.loads(first.split(":", 1)[1])
    meta.setdefault("id", os.path.basename(folder.rstrip("/")))
    meta.setdefault("family", "?")
    meta.setdefault("link", "?")
    meta.setdefault("structure", "?")
    meta.setdefault("nobs", 0)
    return meta


class StartProbe:
    """Whether weft knows the `start:` key (decided by the first start-based run)."""

    def __init__(self, supported):
        self.supported = supported
        self.lock = threading.Lock()

    def refused(self, run):
        return run["rc"] == 2 and "unknown key 'start'" in run["stderr"]


def audit_model(weft, folder, args, probe):
    meta = read_meta(folder)
    config = os.path.join(folder, "config.yaml")
    default = run_fit(weft, config, [], args.timeout)
    runs = [dict(default, name="default")]
    layout = default.get("layout")
    if default["rc"] != 2 and not args.defaults_only:
        queue = alternatives(meta, layout, probe.supported)
        done = set()
        while queue:
            name, sets = queue.pop(0)
            if name in done:
                continue
            done.add(name)
            is_start = any(s.startswith("start=") for s in sets)
            if is_start and not probe.supported:
                continue
            run = run_fit(weft, config, sets, args.timeout)
            if is_start and probe.refused(run):
                with probe.lock:
                    probe.supported = False
                continue
            runs.append(dict(run, name=name))
            if layout is None and run.get("layout"):
                # the default fit gave no result: take the layout from this run
                layout = run["layout"]
                queue += [a for a in alternatives(meta, layout, probe.supported) if a[0] not in done]
    return classify(meta, runs, args.tolerance)


def classify(meta, runs, tol):
    default = runs[0]
    # The best optimum is the highest verified one: a run that ended converged (exit 0). A point
    # only a non-converged run reached (exit 3: a huge gradient, negative curvature, a
    # Laplace approximation breaking down where its inner Hessian loses definiteness) is not an
    # optimum; it is listed as a note when it is above the default.
    finite = [r for r in runs if r["rc"] == 0 and r["converged"] is True and not r["timeout"] and r["loglik"] is not None]
    best = max(finite, key=lambda r: r["loglik"]) if finite else None
    problems = []   # each makes the audit fail
    notes = []      # reported only
    unverified = [r for r in runs if r["rc"] == 3 and not r["timeout"] and r["loglik"] is not None]
    if unverified and default["loglik"] is not None:
        top = max(unverified, key=lambda r: r["loglik"])
        if top["loglik"] - default["loglik"] > tol:
            notes.append(f"a non-converged run ({top['name']}, exit 3) reached loglik {top['loglik']:.4f}, "
                         f"{top['loglik'] - default['loglik']:.4f} above the default; not an optimum (not counted)")
    if crashed(default):
        status = "error"
        problems.append("default fit crashed" if not default["timeout"] else "default fit timed out")
    elif default["rc"] == 2:
        status = "input_error"
        message = default["stderr"].splitlines()[-1] if default["stderr"] else ""
        if "plugin" in message and "failed" in message:
            problems.append("a plugin failed on a legal model (exit 2; should be finite, or exit 3 with a reason): " + message)
        else:
            problems.append("default fit refused the model (exit 2; a generator bug?): " + message)
    elif default["rc"] == 3:
        status = "not_converged"
        if default["converged"] is not False:
            problems.append('exit 3 but "converged" is not false')
        if not default["warnings"]:
            problems.append("exit 3 without a reason in warnings")
    else:
        if default["converged"] is not True:
            status = "error"
            problems.append('exit 0 but "converged" is not true')
        elif default["loglik"] is None:
            status = "error"
            problems.append("exit 0 with a non-finite loglik")
        elif best is not None and best["loglik"] - default["loglik"] > tol:
            status = "wrong"
        else:
            status = "right"
    for r in runs[1:]:
        if crashed(r):
            if r["timeout"]:
                notes.append(f"alternative {r['name']} timed out (> timeout); not counted")
            else:
                problems.append(f"alternative {r['name']} crashed (exit {r['rc']})")
        elif r["rc"] == 2:
            problems.append(f"alternative {r['name']} refused (exit 2): " + (r["stderr"].splitlines()[-1] if r["stderr"] else ""))
    right_alternative = any(r["rc"] == 0 and r["converged"] is True and r["loglik"] is not None
                            and best is not None and best["loglik"] - r["loglik"] <= tol for r in runs)
    return {
        "id": meta["id"], "family": meta["family"], "link": meta["link"],
        "family_link": f"{meta['family']}/{meta['link']}", "structure": meta["structure"],
        "size": meta.get("size"), "scenario": meta.get("scenario"), "hessian": meta.get("hessian"),
        "nobs": meta.get("nobs"), "status": status, "problems": problems, "notes": notes,
        "default": {k: default[k] for k in ("rc", "loglik", "converged", "warnings", "seconds", "timeout")},
        "default_stderr": default["stderr"] if default["rc"] not in (0, 3) else "",
        "best": None if best is None else {"run": best["name"], "loglik": best["loglik"],
                                           "rc": best["rc"], "converged": best["converged"]},
        "gap": None if (best is None or default["loglik"] is None) else best["loglik"] - default["loglik"],
        "a_converged_run_reaches_best": right_alternative,
        "runs": [{k: r[k] for k in ("name", "rc", "loglik", "converged", "seconds", "timeout")} for r in runs],
    }


def preflight(weft, families, wait):
    """Families that `weft plugins` does not list as usable (waits up to `wait` seconds for
    a build in progress)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            proc = subprocess.run([weft, "plugins"], capture_output=True, text=True, timeout=60)
            usable = {line.split()[1] for line in proc.stdout.splitlines()
                      if line.split()[:1] == ["family"] and len(line.split()) > 1}
        except (OSError, subprocess.SubprocessError):
            usable = set()
        missing = [f for f in families if f not in usable]
        if not missing or time.monotonic() >= deadline:
            return missing
        time.sleep(10)


# ----------------------------------------------------------------------------- report

COLUMNS = ["models", "right", "WRONG", "exit3", "exit2", "errors"]


def tally(results, key):
    table = collections.OrderedDict()
    for r in sorted(results, key=lambda r: str(r[key])):
        row = table.setdefault(str(r[key]), dict.fromkeys(COLUMNS, 0))
        row["models"] += 1
        row[{"right": "right", "wrong": "WRONG", "not_converged": "exit3",
             "input_error": "exit2", "error": "errors"}[r["status"]]] += 1
    return table


def print_table(title, table, totals):
    width = max([len(title)] + [len(k) for k in table])
    print(f"\n{title:<{width}}  " + "  ".join(f"{c:>6}" for c in COLUMNS))
    for k, row in table.items():
        print(f"{k:<{width}}  " + "  ".join(f"{row[c]:>6}" for c in COLUMNS))
    print(f"{'total':<{width}}  " + "  ".join(f"{totals[c]:>6}" for c in COLUMNS))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weft", help="path of the weft binary")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--models", help="folder of model folders (each with config.yaml and data.csv)")
    src.add_argument("--generate", type=int, metavar="N", help="generate N models with generate.py first")
    ap.add_argument("--seed", type=int, default=None, help="generator seed (default: generate.py's committed one)")
    ap.add_argument("--out", help="where --generate writes the models (default: a temporary folder)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per fit (default 60)")
    ap.add_argument("--tolerance", type=float, default=1e-3, help="loglik gap that makes a fit WRONG")
    ap.add_argument("--summary", help="write a JSON summary here")
    ap.add_argument("--only", help="only models whose id contains this string")
    ap.add_argument("--defaults-only", action="store_true", help="no alternatives (a quick smoke run)")
    ap.add_argument("--wait-build", type=float, default=0.0, metavar="SECONDS",
                    help="wait this long for weft's family plugins to become loadable (a build in progress)")
    ap.add_argument("--quiet", action="store_true", help="no per-model progress lines")
    args = ap.parse_args()

    weft = os.path.abspath(args.weft)
    if not os.access(weft, os.X_OK):
        print(f"audit: {weft} is not an executable", file=sys.stderr)
        return 2
    tmp = None
    if args.generate is not None:
        sys.path.insert(0, HERE)
        import generate as gen
        out = args.out or tempfile.mkdtemp(prefix="weft-audit-")
        tmp = None if args.out else out
        gen.generate(out, args.generate, args.seed if args.seed is not None else gen.SEED, quiet=True)
        models_dir = out
    else:
        models_dir = args.models or os.path.join(HERE, "ci")
    folders = sorted(os.path.join(models_dir, d) for d in os.listdir(models_dir)
                     if os.path.isfile(os.path.join(models_dir, d, "config.yaml")))
    if args.only:
        folders = [f for f in folders if args.only in os.path.basename(f)]
    if not folders:
        print(f"audit: no model folders in {models_dir}", file=sys.stderr)
        return 2

    t0 = time.monotonic()
    needed = sorted({read_meta(f)["family"] for f in folders} - {"?"})
    missing = preflight(weft, needed, args.wait_build)
    if missing:
        print(f"audit: weft cannot load the family plugin(s) {', '.join(missing)} "
              f"(see `{args.weft} plugins`); is the build complete?", file=sys.stderr)
        return 2
    # Does weft know `start:`? Probe once on the smallest model.
    probe = StartProbe(True)
    smallest = min(folders, key=lambda f: read_meta(f).get("nobs", 0))
    trial = run_fit(weft, os.path.join(smallest, "config.yaml"), ["start={family: {}}"], args.timeout)
    if probe.refused(trial):
        probe.supported = False
    start_note = None if probe.supported else (
        "weft does not know the `start:` key yet (\"unknown key 'start'\"): "
        "restarts from other starts were skipped; only BOBYQA, tight L-BFGS-B and the "
        "fixed-family-parameter profile points were tried")
    if start_note:
        print("audit: note: " + start_note, file=sys.stderr)

    # Largest first, so the slow ones do not form the tail.
    order = sorted(folders, key=lambda f: -read_meta(f).get("nobs", 0))
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(audit_model, weft, f, args, probe): f for f in order}
        for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            r = fut.result()
            results.append(r)
            if not args.quiet:
                d = r["default"]
                ll = "nan" if d["loglik"] is None else f"{d['loglik']:.4f}"
                extra = ""
                if r["status"] == "wrong":
                    extra = f"  best {r['best']['loglik']:.4f} by {r['best']['run']}"
                print(f"[{n:>3}/{len(order)}] {r['status']:<13} {r['id']:<62} exit {d['rc']} ll {ll} "
                      f"({sum(x['seconds'] for x in r['runs']):.1f}s, {len(r['runs'])} runs){extra}",
                      file=sys.stderr, flush=True)
    wall = time.monotonic() - t0
    results.sort(key=lambda r: r["id"])

    totals = dict.fromkeys(COLUMNS, 0)
    for row in tally(results, "family_link").values():
        for c in COLUMNS:
            totals[c] += row[c]
    by_family = tally(results, "family_link")
    by_structure = tally(results, "structure")
    by_scenario = tally(results, "scenario")
    print(f"weft optimum audit: {len(results)} models from {models_dir}, "
          f"{sum(len(r['runs']) for r in results)} fits, wall {wall:.1f} s with {args.jobs} jobs")
    if start_note:
        print("note: " + start_note)
    print_table("family/link", by_family, totals)
    print_table("structure", by_structure, totals)
    print_table("scenario", by_scenario, totals)

    wrong = [r for r in results if r["status"] == "wrong"]
    if wrong:
        print(f"\nWRONG (converged: true, loglik more than {args.tolerance:g} below the best found):")
        for r in sorted(wrong, key=lambda r: -r["gap"]):
            b = r["best"]
            flag = "" if b["rc"] == 0 else f" (best run ended with exit {b['rc']})"
            print(f"  {r['id']}: default {r['default']['loglik']:.4f}, best {b['loglik']:.4f} "
                  f"(+{r['gap']:.4g}) by {b['run']}{flag}")
    nc = [r for r in results if r["status"] == "not_converged"]
    if nc:
        print("\nnot converged (exit 3):")
        for r in nc:
            w = "; ".join(r["default"]["warnings"])[:160] or "NO REASON GIVEN"
            fixed = " [a converged alternative reaches the best]" if r["a_converged_run_reaches_best"] else ""
            print(f"  {r['id']}: {w}{fixed}")
    failing = [r for r in results if r["status"] in ("wrong", "error", "input_error") or r["problems"]]
    problems = [(r["id"], p) for r in results for p in r["problems"]]
    if problems:
        print("\nproblems (these fail the audit):")
        for mid, p in problems:
            print(f"  {mid}: {p}")
    notes = [(r["id"], p) for r in results for p in r["notes"]]
    if notes:
        print("\nnotes:")
        for mid, p in notes:
            print(f"  {mid}: {p}")
    print(f"\ntotals: {totals['models']} models, {len(by_family)} family/link combinations, "
          f"{totals['right']} converged and right, {totals['WRONG']} WRONG, "
          f"{totals['exit3']} not converged (exit 3), {totals['exit2']} refused (exit 2), "
          f"{totals['errors']} errors; {len(problems)} problems; wall {wall:.1f} s")

    if args.summary:
        with open(args.summary, "w") as fh:
            json.dump({"weft": weft, "models_dir": models_dir, "jobs": args.jobs,
                       "wall_seconds": round(wall, 1), "tolerance": args.tolerance,
                       "start_supported": probe.supported, "note": start_note,
                       "totals": totals, "by_family": by_family, "by_structure": by_structure,
                       "by_scenario": by_scenario,
                       "wrong": [{"id": r["id"], "default": r["default"]["loglik"], "best": r["best"],
                                  "gap": r["gap"]} for r in wrong],
                       "problems": [{"id": m, "problem": p} for m, p in problems],
                       "notes": [{"id": m, "note": p} for m, p in notes],
                       "models": results}, fh, indent=1)
    if tmp:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
