"""Plots of a fitted model. matplotlib (Debian: python3-matplotlib) is imported only here, so
fitting never needs it."""

from statistics import NormalDist

import numpy as np


def _pyplot():
    import matplotlib
    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        import os
        if not os.environ.get("DISPLAY"):
            matplotlib.use("Agg")  # no display: render to files
    import matplotlib.pyplot as plt
    return plt


def caterpillar(result, group=None, level=0.95):
    """Per group and term: the conditional modes in ascending order with +- z * conditional SD
    (lme4's dotplot(ranef(fit, condVar = TRUE)), z = qnorm((1 + level) / 2))."""
    plt = _pyplot()
    groups = [group] if group is not None else list(result.random_effects)
    panels = [(g, term) for g in groups for term in result.random_effects[g].columns]
    z = NormalDist().inv_cdf((1 + level) / 2)
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 0.5 + 0.18 * max(
        len(result.random_effects[g]) for g in groups)), squeeze=False)
    for ax, (g, term) in zip(axes[0], panels):
        modes = result.random_effects[g][term]
        sd = result.random_effects_sd[g][term] if g in result.random_effects_sd else modes * 0
        order = np.argsort(modes.to_numpy(), kind="stable")
        y = np.arange(len(order))
        ax.errorbar(modes.to_numpy()[order], y, xerr=z * sd.to_numpy()[order], fmt="o", markersize=3,
                    color="tab:blue", ecolor="gray", elinewidth=1)
        ax.axvline(0.0, color="black", linewidth=0.5)
        ax.set_yticks(y)
        ax.set_yticklabels([str(modes.index[i]) for i in order], fontsize=7)
        ax.set_title(f"{g}: {term}")
    fig.tight_layout()
    return fig


def residuals(result):
    """Response residuals (y - fitted) against fitted values, and their normal QQ plot."""
    plt = _pyplot()
    fitted = np.asarray(result.fittedvalues, dtype=float)
    name = result._doc["model"]["design"]["response"]
    column = next((c for c in result._columns if c[0] == name and c[1] in ("number", "integer")), None)
    if column is None:
        from weft._data import InputError
        raise InputError(f"plot_residuals: the response '{name}' is not a numeric column of the data "
                         "(cbind() and expressions are not plotted)")
    observed = np.asarray(column[2], dtype=float)
    keep = np.isfinite(fitted) & np.isfinite(observed)  # rows omitted by na_action="omit"
    fitted, resid = fitted[keep], observed[keep] - fitted[keep]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
    left.scatter(fitted, resid, s=8, alpha=0.7)
    left.axhline(0.0, color="black", linewidth=0.5)
    left.set_xlabel("fitted values")
    left.set_ylabel("residuals")
    left.set_title("Residuals vs fitted")
    n = len(resid)
    theoretical = [NormalDist().inv_cdf((i + 0.5) / n) for i in range(n)]  # R's ppoints for n > 10
    right.scatter(theoretical, np.sort(resid), s=8, alpha=0.7)
    right.set_xlabel("normal quantiles")
    right.set_ylabel("ordered residuals")
    right.set_title("Normal QQ")
    fig.tight_layout()
    return fig
