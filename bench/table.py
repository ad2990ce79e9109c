#!/usr/bin/env python3
"""Comparison table for bench/run.sh (standard library only).

    python3 bench/table.py --raw bench/results/raw [--weft PATH] [--markdown FILE] NAME ...

Reads, per benchmark NAME, the files run.sh leaves in the raw folder:
  NAME.<tool>.{json,rc,time,wall,load}   tool = lme4 | glmmTMB (one Rscript process each)
  NAME.weft.<i>.{json,rc,time,wall,load} i = 1..repeats
and prints a Markdown table; with --markdown it also writes it, with the date, the machine and
the weft binary, to FILE.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import subprocess
import sys

# Which R tool the weft config mirrors (fixef / loglik differences are taken against it).
REFERENCE = {"c_salamanders": "glmmTMB"}  # NB2 with hessian: observed = glmmTMB's Laplace


def read(path, default=None):
    try:
        with open(path) as fh:
            return fh.read()
    except OSError:
        return default


def time_v(path):
    """Max RSS in MB from a /usr/bin/time -v log."""
    text = read(path, "")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return (int(rss.group(1)) / 1024.0 if rss else None)


def cpu_v(path):
    """User + system CPU seconds from a /usr/bin/time -v log."""
    text = read(path, "")
    u = re.search(r"User time \(seconds\): ([0-9.]+)", text)
    s = re.search(r"System time \(seconds\): ([0-9.]+)", text)
    return float(u.group(1)) + float(s.group(1)) if u and s else None


def last_json(path):
    text = read(path, "") or ""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def weft_json(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def r_result(raw, name, tool):
    stem = os.path.join(raw, f"{name}.{tool}")
    if not os.path.exists(stem + ".rc"):
        return None
    doc = last_json(stem + ".json")
    return {
        "rc": int((read(stem + ".rc", "1") or "1").strip() or 1),
        "doc": doc,
        "seconds": doc.get("seconds") if doc else None,
        "rss": time_v(stem + ".time"),
        "wall": float(read(stem + ".wall", "nan")),
        "load": (read(stem + ".load", "") or "").strip(),
        "stderr": (read(stem + ".stderr", "") or "").strip(),
    }


def weft_runs(raw, name):
    runs = []
    i = 1
    while os.path.exists(os.path.join(raw, f"{name}.weft.{i}.rc")):
        stem = os.path.join(raw, f"{name}.weft.{i}")
        rc = int((read(stem + ".rc", "1") or "1").strip() or 1)
        doc = weft_json(stem + ".json") if rc in (0, 3) else None
        runs.append({
            "rc": rc, "doc": doc,
            "wall": float(read(stem + ".wall", "nan")),
            "rss": time_v(stem + ".time"),
            "cpu": cpu_v(stem + ".time"),
            "load": (read(stem + ".load", "") or "").strip(),
            "stderr": (read(stem + ".stderr", "") or "").strip(),
        })
        i += 1
    return runs


def weft_sds(doc):
    out = {}
    for term in doc.get("random", []):
        if term.get("sd"):
            out[term["group"]] = term["sd"][0]
    return out


def fmt_s(x):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def fmt_mb(x):
    return "–" if x is None else f"{x:.0f}"


def fmt_ratio(ref, w):
    if ref is None or w is None or w <= 0:
        return "–"
    r = ref / w
    return f"{r:.1f}×" if r < 100 else f"{r:.0f}×"


def fmt_g(x):
    return "–" if x is None else f"{x:.1e}"


def fmt_dll(x):
    if x is None:
        return "–"
    return f"{x:+.1e}" if abs(x) < 0.01 else f"{x:+.4f}"


def exit_meaning(rc):
    return {0: "ok", 3: "not converged", 2: "bad input", 1: "internal error",
            124: "timeout (killed)", 137: "killed (KILL)"}.get(rc, f"exit {rc}")


def compare(wdoc, rdoc):
    """(max |Δfixef|, Δloglik weft − ref, names missing on either side)."""
    if not wdoc or not rdoc:
        return None, None, []
    wf, rf = wdoc.get("fixef", {}), rdoc.get("fixef", {})
    common = [k for k in rf if k in wf]
    missing = sorted(set(wf) ^ set(rf))
    dmax = max((abs(wf[k] - rf[k]) for k in common), default=None)
    dll = None
    if wdoc.get("loglik") is not None and rdoc.get("loglik") is not None:
        dll = wdoc["loglik"] - rdoc["loglik"]
    return dmax, dll, missing


def machine_line():
    cpu = "?"
    for line in (read("/proc/cpuinfo", "") or "").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "?"
    for line in (read("/proc/meminfo", "") or "").splitlines():
        if line.startswith("MemTotal"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return f"nproc {os.cpu_count()}, CPU {cpu}, memory {mem}, {platform.system()} {platform.release()}"


def versions(raw, names):
    out = {}
    for name in names:
        for tool in ("lme4", "glmmTMB"):
            r = r_result(raw, name, tool)
            if r and r["doc"] and r["doc"].get("version"):
                out[tool] = r["doc"]["version"]
    try:
        rv = subprocess.run(["Rscript", "-e", "cat(R.version.string)"], capture_output=True,
                            text=True, timeout=60).stdout.strip()
        if rv:
            out["R"] = rv
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--weft", default=None)
    ap.add_argument("--markdown", default=None)
    ap.add_argument("names", nargs="+")
    a = ap.parse_args()

    head = ["benchmark", "lme4 s", "glmmTMB s", "weft s (fit)", "vs lme4", "vs glmmTMB",
            "CPU s weft / lme4 / glmmTMB", "peak MB weft / lme4 / glmmTMB", "max abs Δfixef (vs)", "Δloglik weft−ref"]
    rows, notes, agq = [], [], []
    for name in a.names:
        lme4 = r_result(a.raw, name, "lme4")
        tmb = r_result(a.raw, name, "glmmTMB")
        runs = weft_runs(a.raw, name)
        ok = [r for r in runs if r["rc"] in (0, 3) and r["doc"]]
        best = min(ok, key=lambda r: r["wall"]) if ok else None
        wall = best["wall"] if best else None
        fit_s = best["doc"].get("time_seconds") if best else None
        ref_tool = REFERENCE.get(name, "lme4")
        ref = {"lme4": lme4, "glmmTMB": tmb}.get(ref_tool)
        if not (ref and ref["doc"]):
            ref_tool, ref = ("glmmTMB", tmb) if ref_tool == "lme4" else ("lme4", lme4)
        dmax, dll, missing = compare(best["doc"] if best else None, ref["doc"] if ref else None)

        if best:
            weft_cell = f"{fmt_s(wall)} ({fmt_s(fit_s)})"
            if best["rc"] == 3:
                weft_cell += " nc"
        elif runs:
            r0 = runs[0]
            weft_cell = f"{exit_meaning(r0['rc'])} after {fmt_s(r0['wall'])}"
        else:
            weft_cell = "not run"
        w_rss = max((r["rss"] for r in runs if r["rss"] is not None), default=None)
        mem = f"{fmt_mb(w_rss)} / {fmt_mb(lme4['rss'] if lme4 else None)} / " \
              f"{fmt_mb(tmb['rss'] if tmb else None)}"
        def rcpu(r):
            return r["doc"].get("cpu_seconds") if r and r["doc"] else None
        cpu_cell = f"{fmt_s(best['cpu'] if best else None)} / {fmt_s(rcpu(lme4))} / {fmt_s(rcpu(tmb))}"
        rows.append([
            name,
            fmt_s(lme4["seconds"]) if lme4 else "–",
            fmt_s(tmb["seconds"]) if tmb else "–",
            weft_cell,
            fmt_ratio(lme4["seconds"] if lme4 else None, wall),
            fmt_ratio(tmb["seconds"] if tmb else None, wall),
            cpu_cell,
            mem,
            f"{fmt_g(dmax)} ({ref_tool})" if dmax is not None else "–",
            fmt_dll(dll),
        ])
        if name.startswith("f_agq") or name.startswith("e_agq"):
            pts = best["doc"]["integrator"].get("points") if best else None
            agq.append((name, lme4["seconds"] if lme4 else None, wall, fit_s, pts))

        # notes
        n = []
        if runs:
            walls = [f"{r['wall']:.3f}" + ("" if r["rc"] == 0 else f" [{exit_meaning(r['rc'])}]")
                     for r in runs]
            n.append(f"weft runs (s, end to end): {', '.join(walls)}; load before run 1: {runs[0]['load']}")
            cpus = [f"{r['cpu']:.2f}" for r in runs if r["cpu"] is not None]
            if cpus:
                n.append(f"weft CPU s (user+sys) of those runs: {', '.join(cpus)}")
            if best and best["doc"].get("warnings"):
                n.append("weft warnings: " + "; ".join(best["doc"]["warnings"]))
            bad = [r for r in runs if r["rc"] not in (0, 3)]
            if bad and bad[0]["stderr"]:
                n.append("weft stderr: " + bad[0]["stderr"].splitlines()[-1][:300])
            if best:
                o = best["doc"].get("optimizer", {})
                n.append(f"weft optimizer {o.get('name')}: {o.get('iterations')} iterations, "
                         f"{o.get('function_evaluations')} evaluations")
        for tool, r in (("lme4", lme4), ("glmmTMB", tmb)):
            if not r:
                continue
            if r["rc"] != 0 or not r["doc"]:
                msg = r["stderr"].splitlines()[-1][:300] if r["stderr"] else ""
                n.append(f"{tool}: {exit_meaning(r['rc'])} after {r['wall']:.1f} s {msg}")
            else:
                if r["doc"].get("messages"):
                    n.append(f"{tool} messages: " + "; ".join(" ".join(m.split()) for m in r["doc"]["messages"]))
                cpu = r["doc"].get("cpu_seconds")
                cpu = f", fit CPU {cpu:.2f} s" if cpu is not None else ""
                n.append(f"{tool}: Rscript process {r['wall']:.1f} s (fit {r['seconds']:.2f} s{cpu}), "
                         f"loglik {r['doc']['loglik']:.4f}; load before: {r['load']}")
        if lme4 and tmb and lme4["doc"] and tmb["doc"]:
            d, l, _ = compare(tmb["doc"], lme4["doc"])
            n.append(f"glmmTMB vs lme4: max abs Δfixef {fmt_g(d)}, Δloglik {fmt_dll(l)}")
        if best:
            sds = weft_sds(best["doc"])
            fp = best["doc"].get("family_parameters") or {}
            n.append("weft loglik " + f"{best['doc']['loglik']:.4f}, sd " +
                     ", ".join(f"{k} {v:.4f}" for k, v in sds.items()) +
                     ("".join(f", {k} {v:.4f}" for k, v in fp.items())))
            if ref and ref["doc"]:
                rs = ref["doc"].get("sd", {})
                n.append(f"{ref_tool} sd " + ", ".join(f"{k} {v:.4f}" for k, v in rs.items()) +
                         (f", theta {ref['doc']['theta']:.4f}" if "theta" in ref["doc"] else ""))
        if missing:
            n.append("fixef names on one side only: " + ", ".join(missing))
        notes.append((name, n))

    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    table = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    table += [line(r) for r in rows]

    legend = [
        "",
        "lme4 s / glmmTMB s: the fit call alone (system.time elapsed; default controls), one run.",
        "weft s: `weft fit --format json` end to end (process start, CSV read, fit, SEs, JSON), best of",
        "the runs listed below; (fit) is weft's own `time_seconds` (estimation only). nc = exit 3.",
        "vs lme4 / vs glmmTMB: R fit seconds / weft end-to-end seconds (higher is better for weft).",
        "CPU s: user+sys CPU seconds of the same best weft run (whole process) and of the R fit call.",
        "peak MB: maximum resident set size from /usr/bin/time -v (weft process; whole Rscript process).",
        "Δfixef and Δloglik are against the tool the weft config mirrors (in parentheses).",
    ]
    agq_lines = []
    if agq:
        agq_lines = ["", "AGQ cost (issue 5): seconds by points", "",
                     "| benchmark | points | lme4 s | weft s (fit) | vs lme4 |",
                     "|---|---|---|---|---|"]
        for name, ls, ws, fs, pts in agq:
            m = re.search(r"agq(\d+)$", name)
            p = pts if pts is not None else (m.group(1) if m else "?")
            agq_lines.append(f"| {name} | {p} | {fmt_s(ls)} | {fmt_s(ws)} ({fmt_s(fs)}) | "
                             f"{fmt_ratio(ls, ws)} |")
    note_lines = ["", "Notes per benchmark:", ""]
    for name, n in notes:
        note_lines.append(f"- **{name}**")
        note_lines += [f"  - {x}" for x in n]

    text = "\n".join(table + legend + agq_lines)
    print(text)
    print("\n".join(note_lines))

    if a.markdown:
        hdr = ["# Latest benchmark results", "",
               f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
               f"- machine: {machine_line()}"]
        if a.weft:
            try:
                with open(a.weft, "rb") as fh:
                    md5 = hashlib.md5(fh.read()).hexdigest()[:12]
            except OSError:
                md5 = "?"
            try:
                wv = subprocess.run([a.weft, "--version"], capture_output=True, text=True,
                                    timeout=30).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                wv = "?"
            hdr.append(f"- weft: {a.weft} ({wv}, md5 {md5})")
        try:
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True, timeout=30,
                                    cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
            if commit:
                hdr.append(f"- repository HEAD when the table was made: {commit} (the binary may be older; see its md5)")
        except (OSError, subprocess.SubprocessError):
            pass
        v = versions(a.raw, a.names)
        if v:
            hdr.append("- " + ", ".join(f"{k} {x}" for k, x in v.items()))
        hdr.append("")
        with open(a.markdown, "w") as fh:
            fh.write("\n".join(hdr + [text] + note_lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
