#!/usr/bin/env python3
"""Check `weft predict` against the R-made predict references (standard library only).

Usage: python3 check_predict.py WEFT CASE_DIR [CASE_DIR ...] [--timeout S]

CASE_DIR holds data.csv, config.yaml, newdata.csv and expected.csv (made by
R/make_predict.R with lme4 / glmmTMB predict()).  For each case, in CASE_DIR:

  WEFT fit config.yaml --format json --output TMP/result.json
  WEFT predict TMP/result.json --newdata newdata.csv                            -> response
  WEFT predict TMP/result.json --newdata newdata.csv --type link                -> link
  WEFT predict TMP/result.json --newdata newdata.csv --population               -> response_population
  WEFT predict TMP/result.json --newdata newdata.csv --type link --population   -> link_population

The CSV printed by predict must have a `prediction` column with one row per
newdata row; each value must be within max(1e-3 * |expected|, 1e-6) of the
expected.csv column of the same name.

Prints `PASS case/variant` or `FAIL case/variant: reason` per check (variants:
fit, response, link, response_population, link_population), then
`N passed, M failed` on the last line; exit status 0 only when nothing failed
(2 for a usage error).
"""
import csv
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile

REL_TOL = 1e-3
ABS_TOL = 1e-6
VARIANTS = [
    ("response", []),
    ("link", ["--type", "link"]),
    ("response_population", ["--population"]),
    ("link_population", ["--type", "link", "--population"]),
]
REQUIRED = ("config.yaml", "newdata.csv", "expected.csv")


def one_line(text, limit=400):
    text = " | ".join(line.strip() for line in (text or "").strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit] + "..."


def run(cmd, cwd, timeout):
    """(exit code or None, stdout, stderr or the reason it did not run)."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %gs" % timeout
    except OSError as exc:
        return None, "", "could not run %s: %s" % (cmd[0], exc)
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def read_expected(path):
    """{column: [float, ...]} for the four variant columns (ValueError when one is missing)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise ValueError("%s has no rows" % path)
    out = {}
    for name, _ in VARIANTS:
        if name not in rows[0]:
            raise ValueError("%s has no column %r" % (path, name))
        out[name] = [float(r[name]) for r in rows]
    return out


def count_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return sum(1 for row in csv.reader(fh) if row) - 1


def compare(stdout, want):
    """None when the predict output matches `want`, else the reason."""
    rows = [r for r in csv.reader(io.StringIO(stdout.lstrip("\ufeff"))) if r]
    if not rows:
        return "empty output (expected CSV with a 'prediction' column)"
    header = [h.strip() for h in rows[0]]
    if "prediction" not in header:
        return "no 'prediction' column in the header %r" % (header[:5],)
    col = header.index("prediction")
    body = rows[1:]
    if len(body) != len(want):
        return "%d rows, expected %d" % (len(body), len(want))
    bad, worst = 0, None
    for i, (row, w) in enumerate(zip(body, want), start=1):
        try:
            got = float(row[col])
        except (IndexError, ValueError):
            return "row %d: not a number: %r" % (i, row[col] if col < len(row) else None)
        if not math.isfinite(got):
            return "row %d: not finite: %r" % (i, row[col])
        diff = abs(got - w)
        if diff > max(REL_TOL * abs(w), ABS_TOL):
            bad += 1
            rel = diff / max(abs(w), ABS_TOL)
            if worst is None or rel > worst[0]:
                worst = (rel, i, got, w)
    if bad:
        rel, i, got, w = worst
        return ("%d of %d rows outside tolerance (rel %g, abs %g); worst row %d: got %.10g, "
                "expected %.10g (rel err %.3g)" % (bad, len(want), REL_TOL, ABS_TOL, i, got, w, rel))
    return None


def check_case(weft, case_dir, timeout, report):
    name = os.path.basename(os.path.normpath(case_dir))
    labels = ["fit"] + [v for v, _ in VARIANTS]
    missing = [f for f in REQUIRED if not os.path.isfile(os.path.join(case_dir, f))]
    if missing:
        for label in labels:
            report("%s/%s" % (name, label), "not a predict case: %s lacks %s" % (case_dir, ", ".join(missing)))
        return
    try:
        expected = read_expected(os.path.join(case_dir, "expected.csv"))
        n_new = count_rows(os.path.join(case_dir, "newdata.csv"))
        if n_new != len(expected["response"]):
            raise ValueError("newdata.csv has %d rows, expected.csv %d" % (n_new, len(expected["response"])))
    except (OSError, ValueError) as exc:
        for label in labels:
            report("%s/%s" % (name, label), "bad reference: %s" % exc)
        return
    tmp = tempfile.mkdtemp(prefix="weft_check_predict_")
    try:
        result = os.path.join(tmp, "result.json")
        rc, out, err = run([weft, "fit", "config.yaml", "--format", "json", "--output", result],
                           case_dir, timeout)
        written = os.path.isfile(result) and os.path.getsize(result) > 0
        if rc is None:
            report(name + "/fit", err)
        elif rc != 0:
            what = {1: "internal error", 2: "bad input", 3: "not converged"}.get(rc, "unexpected exit code")
            report(name + "/fit", "exit %d (%s): %s" % (rc, what, one_line(err) or "(no stderr)"))
        elif not written:
            report(name + "/fit", "exit 0 but %s was not written" % result)
        elif out.strip():
            report(name + "/fit", "--output given but stdout was not empty: %s" % one_line(out, 100))
        else:
            report(name + "/fit", None)
        for variant, extra in VARIANTS:
            label = "%s/%s" % (name, variant)
            if not written:
                report(label, "no result document from fit")
                continue
            rc, out, err = run([weft, "predict", result, "--newdata", "newdata.csv"] + extra,
                               case_dir, timeout)
            if rc is None:
                report(label, err)
            elif rc != 0:
                report(label, "predict exit %d: %s" % (rc, one_line(err) or "(no stderr)"))
            else:
                report(label, compare(out, expected[variant]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    args = argv[1:]
    timeout = 600.0
    if "--timeout" in args:
        i = args.index("--timeout")
        try:
            timeout = float(args[i + 1])
        except (IndexError, ValueError):
            sys.stderr.write("check_predict.py: --timeout needs a number of seconds\n")
            return 2
        del args[i:i + 2]
    if len(args) < 2 or args[0] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0 if args and args[0] in ("-h", "--help") else 2
    weft = args[0]
    if os.sep in weft:
        weft = os.path.abspath(weft)
    else:
        weft = shutil.which(weft) or os.path.abspath(weft)
    counts = [0, 0]

    def report(label, reason):
        if reason is None:
            counts[0] += 1
            print("PASS %s" % label, flush=True)
        else:
            counts[1] += 1
            print("FAIL %s: %s" % (label, reason), flush=True)

    if not os.path.isfile(weft):
        report("weft", "no such binary: %s" % args[0])
    else:
        for case_dir in args[1:]:
            check_case(weft, os.path.abspath(case_dir), timeout, report)
    print("%d passed, %d failed" % (counts[0], counts[1]))
    return 0 if counts[1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
