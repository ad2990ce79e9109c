#!/usr/bin/env python3
"""Hold a weft binary against the project's R-made reference cases.

    python3 check_reference.py WEFT CASE_DIR [CASE_DIR ...] [--set key=value ...] [--timeout S]

For each case directory it runs

    WEFT fit CASE_DIR/config.yaml --format json [--set key=value ...]     (cwd = CASE_DIR)

and compares the JSON result on stdout with CASE_DIR/expected.json, or checks the exit code,
stderr and (for exit 3) stdout against CASE_DIR/expected_error.json.  One line per case:
`PASS name` or `FAIL name: reason; reason; ...`, then `N passed, M failed`.  Exit status 0
only when every case passed.

Tolerances (the same as the parity suite, shared/parity/README.md):
  fixef, zi_fixef       |got - ref| <= 2e-3 * max(1, |ref|)
  se, zi_se             |got - ref| <= 2 % of |ref|
  random sd             |got - ref| <= 3e-3 * max(1, ref); in a `singular` case a reference
                        sd <= 1e-3 only needs got <= 1e-3
  random corr           |got - ref| <= 0.02 (only for unsplit terms with a matrix)
  family_parameters     |got - ref| <= 2 % of |ref| (extra parameters in the result are fine)
  implied thresholds    ordinal cases: the reference's info.thresholds (clmm's Theta) against
                        the result's derived_parameters, at the family_parameters tolerance
  loglik                ref - 2e-3 <= got <= ref + 0.5
  aic, bic              |got - ref| <= 0.02 + 2 * |loglik_got - loglik_ref|
  ranef (optional)      per group and level (matched by name): conditional modes
                        |got - ref| <= 3e-3 * max(1, |ref|); `condsd` (lme4's condVar SDs) and the
                        `condvar` blocks within 2 % of max(|ref|, 1e-3 * the level's largest SD^2)
  n_omitted             the reference's info.n_omitted (rows R's na.omit dropped) exactly
  converged must be true, nobs equal, family/link/criterion equal (case-insensitive), no unexpected
  coefficient names, random-effect groups or terms; a singular case needs a warning that
  mentions "singular".  Group names match whatever the order of their factors (a:b = b:a);
  several reference entries with one group name (lme4's split of (x || g)) are one group.

Extra field `aic_lower_than: {"case": OTHER}` in expected.json: OTHER (a sibling case
directory) is fitted as well, with the same --set options, and this case's aic must be lower
than OTHER's (both as weft computes them).

Python 3 standard library only.
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys

TOL_FIXEF = 2e-3
TOL_SE_REL = 0.02
TOL_SD = 3e-3
TOL_CORR = 0.02
TOL_FAMILY_REL = 0.02
LOGLIK_MAX_BELOW = 2e-3
LOGLIK_MAX_ABOVE = 0.5
TOL_IC = 0.02
SINGULAR_SD_MAX = 1e-3
MAX_STDERR_LINES = 3

BAD_STDERR = ("terminate called", "segmentation", "traceback", "aborted")


# ---------------------------------------------------------------------------------------
# small helpers

def finite(value):
    """The value as a float if it is a finite JSON number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def show(value):
    if isinstance(value, float):
        return "%.6g" % value
    return repr(value)


def group_id(name):
    """Order-free identity of a grouping factor name: 'b:a' == 'a:b'."""
    parts = [p.strip() for p in str(name).split(":")]
    return tuple(sorted(p for p in parts if p))


# ---------------------------------------------------------------------------------------
# comparisons; each appends failure strings to `out`

def check_coefficients(label, ref, got, absolute, out):
    if not isinstance(ref, dict):
        return
    if not isinstance(got, dict):
        out.append("%s is missing or not an object" % label)
        return
    for name, ref_value in ref.items():
        if name not in got:
            out.append("%s[%s] missing" % (label, name))
            continue
        g = finite(got[name])
        if g is None:
            out.append("%s[%s] is not a finite number: %r" % (label, name, got[name]))
            continue
        r = finite(ref_value)
        if r is None:
            continue
        tol = TOL_FIXEF * max(1.0, abs(r)) if absolute else TOL_SE_REL * abs(r)
        if abs(g - r) > tol:
            out.append("%s[%s] got %s ref %s (tol %s)" % (label, name, show(g), show(r), show(tol)))
    unexpected = sorted(k for k in got if k not in ref)
    if unexpected:
        out.append("%s has unexpected names: %s" % (label, ", ".join(unexpected)))


def check_family_parameters(ref, got, out):
    ref_params = ref.get("family_parameters") or {}
    if "family_parameters" not in got:
        out.append("family_parameters missing")
        return
    got_params = got.get("family_parameters")
    if not ref_params:
        return
    if not isinstance(got_params, dict):
        out.append("family_parameters is not an object")
        return
    for name, ref_value in ref_params.items():
        if name not in got_params:
            out.append("family_parameters[%s] missing" % name)
            continue
        g = finite(got_params[name])
        if g is None:
            out.append("family_parameters[%s] is not a finite number" % name)
            continue
        r = finite(ref_value)
        if r is not None and abs(g - r) > TOL_FAMILY_REL * abs(r):
            out.append("family_parameters[%s] got %s ref %s" % (name, show(g), show(r)))


def collect_groups(entries, who, out):
    """[{group, terms, sd, corr}, ...] -> {group_id: group record}.

    A record: name, terms (in order), sd {term: value}, corr (matrix or None), split (True
    when several entries had this group: then there is no usable correlation matrix)."""
    groups = {}
    if not isinstance(entries, list):
        out.append("%s random is not a list" % who)
        return groups
    for entry in entries:
        if not isinstance(entry, dict):
            out.append("%s random has an entry that is not an object" % who)
            continue
        name = entry.get("group", "")
        terms, sds = entry.get("terms"), entry.get("sd")
        if not isinstance(terms, list) or not isinstance(sds, list) or len(terms) != len(sds):
            out.append("%s random[%s]: terms and sd missing or of unequal length" % (who, name))
            continue
        key = group_id(name)
        rec = groups.get(key)
        if rec is None:
            rec = {"name": name, "terms": [], "sd": {}, "corr": None, "split": False}
            groups[key] = rec
            corr = entry.get("corr")
            rec["corr"] = corr if isinstance(corr, list) else None
        else:
            rec["split"] = True
            rec["corr"] = None
        for term, sd in zip(terms, sds):
            if term in rec["sd"]:
                out.append("%s random[%s]: term %s given twice" % (who, name, term))
            rec["sd"][term] = sd
            rec["terms"].append(term)
    return groups


def corr_value(rec, a, b):
    matrix = rec.get("corr")
    if not isinstance(matrix, list):
        return None
    try:
        row = matrix[rec["terms"].index(a)]
        return finite(row[rec["terms"].index(b)])
    except (ValueError, IndexError, TypeError, KeyError):
        return None


def check_random(ref, got, singular, out):
    if "random" not in got:
        out.append("random missing")
        return
    ref_groups = collect_groups(ref["random"], "reference", out)
    got_groups = collect_groups(got["random"], "result", out)
    for key, rrec in ref_groups.items():
        name = rrec["name"]
        grec = got_groups.get(key)
        if grec is None:
            have = ", ".join(str(g["name"]) for g in got_groups.values()) or "none"
            out.append("random group %s missing (result has %s)" % (name, have))
            continue
        for term in rrec["terms"]:
            if term not in grec["sd"]:
                out.append("random[%s] term %s missing" % (name, term))
                continue
            g = finite(grec["sd"][term])
            if g is None:
                out.append("random[%s][%s] sd is not a finite number" % (name, term))
                continue
            r = finite(rrec["sd"][term])
            if r is None:
                continue
            if singular and r <= SINGULAR_SD_MAX:
                if abs(g) > SINGULAR_SD_MAX:
                    out.append("random[%s][%s] sd got %s; the singular fit needs <= %g"
                               % (name, term, show(g), SINGULAR_SD_MAX))
            elif abs(g - r) > TOL_SD * max(1.0, r):
                out.append("random[%s][%s] sd got %s ref %s" % (name, term, show(g), show(r)))
        extra = [t for t in grec["terms"] if t not in rrec["sd"]]
        if extra:
            out.append("random[%s] has unexpected terms: %s" % (name, ", ".join(map(str, extra))))
        if rrec["split"] or rrec["corr"] is None:
            continue
        terms = rrec["terms"]
        for i in range(len(terms)):
            for j in range(i + 1, len(terms)):
                r = corr_value(rrec, terms[i], terms[j])
                if r is None:
                    continue
                g = corr_value(grec, terms[i], terms[j])
                if g is None:
                    out.append("random[%s] corr(%s, %s) missing" % (name, terms[i], terms[j]))
                elif abs(g - r) > TOL_CORR:
                    out.append("random[%s] corr(%s, %s) got %s ref %s"
                               % (name, terms[i], terms[j], show(g), show(r)))
    for key, grec in got_groups.items():
        if key not in ref_groups:
            out.append("random has an unexpected group %s" % grec["name"])


def check_ranef(ref, got, out):
    """Conditional modes and conditional variances (lme4's ranef(fit, condVar = TRUE))."""
    blocks = got.get("ranef")
    if not isinstance(blocks, dict):
        out.append("ranef missing")
        return
    by_id = {group_id(name): block for name, block in blocks.items()}
    for name, want in ref["ranef"].items():
        have = by_id.get(group_id(name))
        if not isinstance(have, dict):
            out.append("ranef[%s] missing" % name)
            continue
        if list(have.get("terms", [])) != list(want["terms"]):
            out.append("ranef[%s] terms got %r ref %r" % (name, have.get("terms"), want["terms"]))
            continue
        row_of = {level: i for i, level in enumerate(have.get("levels", []))}
        for key, tol_abs in (("values", True), ("condsd", False)):
            if key not in want:
                continue
            if key not in have:
                out.append("ranef[%s].%s missing" % (name, key))
                continue
            for i, level in enumerate(want["levels"]):
                j = row_of.get(level)
                if j is None:
                    out.append("ranef[%s] level %s missing" % (name, level))
                    break
                for c, r in enumerate(want[key][i]):
                    g = finite(have[key][j][c])
                    tol = TOL_SD * max(1.0, abs(r)) if tol_abs else TOL_SE_REL * max(abs(r), 1e-3)
                    if g is None or abs(g - r) > tol:
                        out.append("ranef[%s].%s[%s][%d] got %s ref %s (tol %s)" % (name, key, level, c, show(g), show(r), show(tol)))
        if "condvar" in want:
            if "condvar" not in have:
                out.append("ranef[%s].condvar missing" % name)
                continue
            for i, level in enumerate(want["levels"]):
                j = row_of[level]
                scale = max(abs(v) for row in want["condvar"][i] for v in row)
                for a, row in enumerate(want["condvar"][i]):
                    for b, r in enumerate(row):
                        g = finite(have["condvar"][j][a][b])
                        tol = TOL_SE_REL * max(abs(r), 1e-3 * scale)
                        if g is None or abs(g - r) > tol:
                            out.append("ranef[%s].condvar[%s][%d][%d] got %s ref %s" % (name, level, a, b, show(g), show(r)))


def compare(ref, got):
    """Failures (list of strings) of result `got` against reference `ref`; [] = pass."""
    out = []
    if not isinstance(got, dict):
        return ["the result is not a JSON object"]
    singular = bool(ref.get("singular", False))

    if got.get("converged") is not True:
        out.append("converged is %r, expected true" % (got.get("converged"),))

    for key in ("family", "link", "criterion"):
        if key not in ref:
            continue
        if key not in got:
            out.append("%s missing" % key)
        elif str(got[key]).lower() != str(ref[key]).lower():
            out.append("%s got %r ref %r" % (key, got[key], ref[key]))

    if "nobs" in ref:
        n = finite(got.get("nobs"))
        if n is None or n != float(ref["nobs"]):
            out.append("nobs got %r ref %r" % (got.get("nobs"), ref["nobs"]))

    for key, absolute in (("fixef", True), ("se", False), ("zi_fixef", True), ("zi_se", False)):
        if key not in ref:
            continue
        if key not in got:
            out.append("%s missing" % key)
        else:
            check_coefficients(key, ref[key], got[key], absolute, out)

    if "family_parameters" in ref:
        check_family_parameters(ref, got, out)
    implied = (ref.get("info") or {}).get("thresholds")
    if isinstance(implied, dict) and implied:
        check_family_parameters({"family_parameters": implied},
                                {"family_parameters": got.get("derived_parameters", {})}, out)

    if "random" in ref:
        check_random(ref, got, singular, out)
    if "ranef" in ref:
        check_ranef(ref, got, out)
    omitted = (ref.get("info") or {}).get("n_omitted")
    if omitted is not None and got.get("n_omitted") != omitted:
        out.append("n_omitted got %r ref %r" % (got.get("n_omitted"), omitted))

    loglik_shift = 0.0
    if "loglik" in ref:
        g, r = finite(got.get("loglik")), finite(ref["loglik"])
        if "loglik" not in got:
            out.append("loglik missing")
        elif g is None:
            out.append("loglik is not a finite number: %r" % (got.get("loglik"),))
        elif r is not None:
            loglik_shift = g - r
            if g < r - LOGLIK_MAX_BELOW:
                out.append("loglik got %s below ref %s" % (show(g), show(r)))
            elif g > r + LOGLIK_MAX_ABOVE:
                out.append("loglik got %s above ref %s + %g" % (show(g), show(r), LOGLIK_MAX_ABOVE))
    for key in ("aic", "bic"):
        if key not in ref:
            continue
        g, r = finite(got.get(key)), finite(ref[key])
        if key not in got:
            out.append("%s missing" % key)
        elif g is None:
            out.append("%s is not a finite number" % key)
        elif r is not None:
            tol = TOL_IC + 2.0 * abs(loglik_shift)
            if abs(g - r) > tol:
                out.append("%s got %s ref %s (tol %s)" % (key, show(g), show(r), show(tol)))

    if singular:
        warnings = got.get("warnings")
        if not isinstance(warnings, list) or not any("singular" in str(w).lower() for w in warnings):
            out.append("singular fit, but no warning mentions 'singular'")
    return out


def check_error_run(spec, code, stdout, stderr):
    """Failures of a run against expected_error.json."""
    out = []
    want = int(spec.get("exit_code", 2))
    if code != want:
        out.append("exit code %s, expected %s" % (code, want))
    text = stderr.strip()
    lowered = text.lower()
    lines = [line for line in text.splitlines() if line.strip()]
    for marker in BAD_STDERR:
        if marker in lowered:
            out.append("stderr contains %r" % marker)
    words = spec.get("stderr_contains") or []
    if (want == 2 or words) and not lines:
        out.append("stderr is empty")
    if len(lines) > MAX_STDERR_LINES:
        out.append("stderr has %d lines (at most %d)" % (len(lines), MAX_STDERR_LINES))
    for word in words:
        if str(word).lower() not in lowered:
            out.append("stderr does not mention %r: %s" % (word, text[:200]))
    if want == 3:
        try:
            doc = json.loads(stdout)
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            out.append("exit 3 but stdout is not a JSON result document")
        elif doc.get("converged") is not False:
            out.append("exit 3 but the result says converged=%r" % (doc.get("converged"),))
    return out


# ---------------------------------------------------------------------------------------
# running weft

def locate_weft(path):
    if os.sep in path or (os.altsep and os.altsep in path):
        return os.path.abspath(path)
    return shutil.which(path) or path


def run_weft(weft, case_dir, settings, timeout):
    """(exit code, stdout, stderr) or (None, None, reason) when it could not run."""
    cmd = [weft, "fit", os.path.join(case_dir, "config.yaml"), "--format", "json"]
    for s in settings:
        cmd += ["--set", s]
    try:
        proc = subprocess.run(cmd, cwd=case_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None, "timed out after %g s" % timeout
    except OSError as exc:
        return None, None, "could not run %s: %s" % (weft, exc)
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def fit_result(weft, case_dir, settings, timeout):
    """(parsed result or None, failures) of an ordinary fit."""
    code, stdout, stderr = run_weft(weft, case_dir, settings, timeout)
    if code is None:
        return None, [stderr]
    out = []
    lowered = stderr.lower()
    for marker in BAD_STDERR:
        if marker in lowered:
            out.append("stderr contains %r" % marker)
    if code != 0:
        last = stderr.strip().splitlines()[-1][:200] if stderr.strip() else ""
        out.append("exit code %d: %s" % (code, last))
    try:
        doc = json.loads(stdout)
    except ValueError:
        out.append("stdout is not JSON")
        return None, out
    return doc, out


def check_case(weft, case_dir, settings, timeout):
    case_dir = os.path.abspath(case_dir)
    if not os.path.isfile(os.path.join(case_dir, "config.yaml")):
        return ["no config.yaml in %s" % case_dir]
    ok_file = os.path.join(case_dir, "expected.json")
    err_file = os.path.join(case_dir, "expected_error.json")
    if os.path.isfile(ok_file):
        with open(ok_file) as fh:
            ref = json.load(fh)
    elif os.path.isfile(err_file):
        with open(err_file) as fh:
            spec = json.load(fh)
        code, stdout, stderr = run_weft(weft, case_dir, settings, timeout)
        if code is None:
            return [stderr]
        return check_error_run(spec, code, stdout, stderr)
    else:
        return ["neither expected.json nor expected_error.json in %s" % case_dir]

    got, fails = fit_result(weft, case_dir, settings, timeout)
    if got is None:
        return fails
    fails += compare(ref, got)

    other = ref.get("aic_lower_than")
    if isinstance(other, dict) and other.get("case"):
        other_dir = os.path.join(os.path.dirname(case_dir), str(other["case"]))
        other_got, other_fails = fit_result(weft, other_dir, settings, timeout)
        mine, theirs = finite(got.get("aic")), finite((other_got or {}).get("aic"))
        if other_got is None or other_fails:
            fails.append("aic_lower_than: could not fit %s: %s"
                         % (other["case"], "; ".join(other_fails[:2])))
        elif mine is None or theirs is None:
            fails.append("aic_lower_than: aic missing here or in %s" % other["case"])
        elif not mine < theirs:
            fails.append("aic %s is not lower than %s's aic %s"
                         % (show(mine), other["case"], show(theirs)))
    return fails


def main(argv=None):
    ap = argparse.ArgumentParser(description="check weft against the reference cases")
    ap.add_argument("weft", help="the weft executable")
    ap.add_argument("cases", nargs="+", help="case directories")
    ap.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                    help="passed on to weft fit (repeatable)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per fit (default 120)")
    args = ap.parse_intermixed_args(argv)
    weft = locate_weft(args.weft)
    suffix = "".join(" [--set %s]" % s for s in args.settings)
    passed = failed = 0
    for case_dir in args.cases:
        name = os.path.basename(os.path.normpath(case_dir))
        if os.path.isdir(case_dir):
            fails = check_case(weft, case_dir, args.settings, args.timeout)
        else:
            fails = ["no such case directory: %s" % case_dir]
        if fails:
            failed += 1
            print("FAIL %s%s: %s" % (name, suffix, "; ".join(fails)))
        else:
            passed += 1
            print("PASS %s%s" % (name, suffix))
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
