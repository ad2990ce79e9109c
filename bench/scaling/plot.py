#!/usr/bin/env python3
"""plot.py TIMES MARKDOWN PNG: the scaling table and plot from run.sh's times file."""
import sys

rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    family, n, tool = f[0], int(f[1]), f[2]
    if tool == "weft":
        wall, user, system, rss_kb, ll = f[3:8]
        rows.setdefault((family, n), {})["weft"] = (float(wall), float(user) + float(system), float(rss_kb) / 1024, float(ll))
    elif len(f) >= 5 and f[3] not in ("skipped", "timeout"):
        rows.setdefault((family, n), {})[tool] = (float(f[3]), float(f[4]))
    else:
        rows.setdefault((family, n), {})[tool] = f[3]

md = ["| model | rows | weft s (CPU s, MB) | lme4 s | glmmTMB s | lme4 / weft | glmmTMB / weft |",
      "|---|---|---|---|---|---|---|"]
for (family, n), r in sorted(rows.items()):
    w = r["weft"]
    cells = []
    ratios = []
    for tool in ("lme4", "glmmTMB"):
        v = r.get(tool, "-")
        if isinstance(v, tuple):
            cells.append("%.2f" % v[0])
            ratios.append("%.0fx" % (v[0] / w[0]))
        else:
            cells.append({"skipped": "not run (over 60 s at a tenth of the rows)", "timeout": "> 11 min"}.get(v, v))
            ratios.append("")
    md.append("| %s | %s | %.2f (%.2f, %.0f) | %s | %s | %s | %s |" % (family, f"{n:,}", w[0], w[1], w[2], *cells, *ratios))
open(sys.argv[2], "w").write("\n".join(md) + "\n")

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, family in zip(axes, ("binary", "poisson")):
    for tool, style in (("weft", "o-"), ("lme4", "s--"), ("glmmTMB", "^--")):
        pts = [(n, r[tool][0]) for (fam, n), r in sorted(rows.items())
               if fam == family and isinstance(r.get(tool), tuple)]
        if pts:
            ax.plot(*zip(*pts), style, label=tool)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title("%s, y ~ x + (1 | g), 500 groups" % family)
    ax.set_xlabel("rows")
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_ylabel("seconds (weft: end to end; R: the fit)")
axes[0].legend()
fig.tight_layout()
fig.savefig(sys.argv[3], dpi=100)
