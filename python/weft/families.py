"""Family objects for ``glmer(family=...)``.

A family is a plugin name plus the parameters it holds fixed (and optionally a link). Giving
a parameter fixes it, leaving it out (or ``None``) estimates it, as in the model YAML's
``family: {name: nb2, theta: 2.0}``. ``Family(name, **parameters)`` reaches any family
plugin, including third-party ones found on ``plugin_path`` or ``$WEFT_PLUGIN_PATH``.
"""

__all__ = [
    "Family",
    "BinomialFamily",
    "PoissonFamily",
    "NegativeBinomial2Family",
    "NegativeBinomial1Family",
    "ZeroInflatedPoissonFamily",
    "ZeroInflatedNegativeBinomial2Family",
    "HurdlePoissonFamily",
    "HurdleNegativeBinomial2Family",
    "GammaFamily",
    "BetaFamily",
    "ZeroOneInflatedBetaFamily",
]


class Family:
    """Any family plugin by name: ``Family("nb2", theta=2.0)``, ``Family("my_family")``.

    ``link``: a link name the family accepts (its default when ``None``). Other keyword
    arguments are family parameters held fixed at the given value; ``None`` means estimated.
    """

    def __init__(self, name, *, link=None, **parameters):
        if not isinstance(name, str) or not name.strip():
            raise TypeError(f"Family: name must be a family plugin name, got {name!r}")
        if link is not None and not isinstance(link, str):
            raise TypeError(f"Family: link must be a link name, got {link!r}")
        self.name = name
        self.link = link
        self.parameters = {k: v for k, v in parameters.items() if v is not None}

    def __repr__(self):
        args = [repr(self.name)] if type(self) is Family else []
        if self.link is not None:
            args.append(f"link={self.link!r}")
        args += [f"{k}={v!r}" for k, v in self.parameters.items()]
        return f"{type(self).__name__}({', '.join(args)})"

    def __eq__(self, other):
        return (isinstance(other, Family) and (self.name, self.link, self.parameters)
                == (other.name, other.link, other.parameters))

    def __hash__(self):
        return hash((self.name, self.link, tuple(sorted(self.parameters.items()))))


class BinomialFamily(Family):
    """binomial: 0/1, ``cbind(s, f)`` or proportion + weights; link logit (probit, cloglog)."""

    def __init__(self, link=None):
        super().__init__("binomial", link=link)


class PoissonFamily(Family):
    """poisson: counts, link log."""

    def __init__(self, link=None):
        super().__init__("poisson", link=link)


class NegativeBinomial2Family(Family):
    """nb2: var = mu + mu^2 / theta. ``theta`` given: fixed (lme4's negative.binomial(theta));
    omitted: estimated (glmer.nb, glmmTMB's nbinom2)."""

    def __init__(self, theta=None, link=None):
        super().__init__("nb2", link=link, theta=theta)


class NegativeBinomial1Family(Family):
    """nb1: var = mu (1 + phi) (glmmTMB's nbinom1)."""

    def __init__(self, phi=None, link=None):
        super().__init__("nb1", link=link, phi=phi)


class ZeroInflatedPoissonFamily(Family):
    """zip: Poisson with zero inflation; the zero model is ``glmer(..., zi="~ x")``."""

    def __init__(self, link=None):
        super().__init__("zip", link=link)


class ZeroInflatedNegativeBinomial2Family(Family):
    """zinb2: NB2 with zero inflation (``zi=``); ``theta`` fixed when given."""

    def __init__(self, theta=None, link=None):
        super().__init__("zinb2", link=link, theta=theta)


class HurdlePoissonFamily(Family):
    """hurdle_poisson: ``zi=`` models P(y = 0); positive counts are zero-truncated Poisson."""

    def __init__(self, link=None):
        super().__init__("hurdle_poisson", link=link)


class HurdleNegativeBinomial2Family(Family):
    """hurdle_nb2: ``zi=`` models P(y = 0); positive counts zero-truncated NB2."""

    def __init__(self, theta=None, link=None):
        super().__init__("hurdle_nb2", link=link, theta=theta)


class GammaFamily(Family):
    """gamma: positive responses; ``shape`` fixed when given."""

    def __init__(self, shape=None, link=None):
        super().__init__("gamma", link=link, shape=shape)


class BetaFamily(Family):
    """beta: responses in (0, 1); precision ``phi`` fixed when given."""

    def __init__(self, phi=None, link=None):
        super().__init__("beta", link=link, phi=phi)


class ZeroOneInflatedBetaFamily(Family):
    """zoib: responses in [0, 1] (brms-style): precision ``phi``, probability ``zoi`` of 0 or 1,
    conditional probability ``coi`` of 1; each fixed when given."""

    def __init__(self, phi=None, zoi=None, coi=None, link=None):
        super().__init__("zoib", link=link, phi=phi, zoi=zoi, coi=coi)
