## Linear-mixed-model reference cases (issue 13): lmer fits (REML and ML) of lme4's data sets
## and of simulated data, some pinned by lme4's own tests, and glmmTMB's REML = TRUE for
## non-gaussian families ("REML beyond lme4").  Written to tests/reference/lmm/<name>/
## (data.csv, config.yaml, expected.json: the layout of tests/reference/cases).  Sourced by
## make_all.R; run from the repository root:  Rscript tests/reference/R/make_all.R
## (or this file alone after source("tests/reference/R/helpers.R")).
##
## lmer fits use lmerControl() defaults (nloptwrap), as an lme4 user would; every fit is also
## refitted with lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-10))
## (the control of the public lmm_* parity cases) and the script stops unless the two agree to
## 10 % of every checker tolerance (info.bobyqa_tight_crosscheck).  Every lmer fit is also
## re-evaluated by a dense implementation of the profiled criteria of docs/numerics.md
## (lmm_dense_eval below, including the precision-weight term) and every glmmTMB REML fit by a
## dense joint (u, beta) Laplace evaluation (reml_laplace_eval); the script stops when either
## disagrees.  Numbers pinned by lme4's tests (lme4/lme4 tests/, commit 32b5bfdc) and by
## docs/numerics.md are checked with the tests' own tolerances (info.pinned).

LMM_ROOT <- file.path("tests", "reference", "lmm")
LME4_TESTS <- "lme4/lme4@32b5bfdc tests/"
LMER_TIGHT <- 'lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-10))'

SE_NOTE_LMER <- paste(
  "info is not compared. se = sqrt(diag(vcov(fit))): lmer's vcov = sigma^2 (RX'RX)^-1 at the",
  "estimates (conditional on theta; no Hessian in theta as for glmer). loglik = logLik(fit): the",
  "REML log-likelihood (-REMLcrit/2) for REML fits, -deviance/2 for ML fits, with all constants",
  "and, with precision weights, + sum(log w)/2. aic/bic = -2 loglik + k (2 | log nobs) with",
  "lmer's k = p + #theta + 1 (also for REML fits, as lme4's AIC()/BIC()).")

lvl <- function(prefix, n) sprintf("%s%02d", prefix, seq_len(n))
r3 <- function(x) round(x, 3)

## ---------------------------------------------------------------------------------------
## independent evaluations

## The profiled ML deviance / REML criterion of docs/numerics.md evaluated densely at lmer's
## theta (no lme4 code but getME's model matrices): A = Lambda'Z'WZ Lambda + I, joint
## penalised least squares for (u, beta), RX'RX = the Schur complement of A in the joint
## system, r2 = pwrss, ldW = sum(log w):
##   ML   d   = log|A| - ldW + n [1 + log(2 pi r2 / n)]
##   REML d_R = log|A| + log|RX'RX| - ldW + (n - p) [1 + log(2 pi r2 / (n - p))]
lmm_dense_eval <- function(fit, theta = getME(fit, "theta")) {
  X <- as.matrix(getME(fit, "X")); Z <- as.matrix(getME(fit, "Z"))
  Lt <- getME(fit, "Lambdat"); Lind <- getME(fit, "Lind")
  Lt@x <- theta[Lind]
  ZL <- Z %*% t(as.matrix(Lt))
  y <- getME(fit, "y"); w <- weights(fit); off <- getME(fit, "offset")
  n <- length(y); p <- ncol(X); q <- ncol(Z)
  A <- crossprod(ZL, w * ZL) + diag(q)
  B <- crossprod(ZL, w * X)
  XtX <- crossprod(X, w * X)
  M <- rbind(cbind(A, B), cbind(t(B), XtX))
  sol <- solve(M, c(crossprod(ZL, w * (y - off)), crossprod(X, w * (y - off))))
  u <- sol[seq_len(q)]; beta <- sol[q + seq_len(p)]
  res <- y - off - drop(X %*% beta) - drop(ZL %*% u)
  r2 <- sum(w * res^2) + sum(u^2)
  S <- XtX - crossprod(B, solve(A, B))
  ldL2 <- as.numeric(determinant(A)$modulus)
  ldRX2 <- as.numeric(determinant(S)$modulus)
  ldW <- sum(log(w))
  ml <- ldL2 - ldW + n * (1 + log(2 * pi * r2 / n))
  reml <- ldL2 + ldRX2 - ldW + (n - p) * (1 + log(2 * pi * r2 / (n - p)))
  s2 <- if (isREML(fit)) r2 / (n - p) else r2 / n
  list(ML_deviance = ml, REML_criterion = reml, ldL2 = ldL2, ldRX2 = ldRX2, ldW = ldW, pwrss = r2,
       sigma = sqrt(s2), beta = setNames(beta, colnames(X)),
       se = setNames(sqrt(diag(s2 * solve(S))), colnames(X)))
}

## glmmTMB's REML for a GLMM with one scalar random intercept and a canonical link
## (poisson/log, binomial/logit): beta joins b in the Laplace integral,
##   log L_R = log p(y | b^, beta^) + sum log N(b^_j; 0, s^2) + (q + p)/2 log(2 pi) - log|H|/2,
## (b^, beta^) the joint mode, H the negative Hessian of the log joint density in (b, beta)
## (observed = expected for canonical links).  Returns logLik, the joint mode's beta and the
## se sqrt(diag(H^-1)[beta]) (glmmTMB's vcov for REML fits: the beta-marginal of the joint
## precision).
reml_laplace_eval <- function(y, trials, X, g, s, family) {
  g <- factor(g)
  Z <- model.matrix(~ 0 + g)
  q <- ncol(Z); p <- ncol(X)
  K <- cbind(Z, X)
  par <- c(rep(0, q), coef(glm.fit(X, if (family == "poisson") y else cbind(y, trials - y),
                                   family = if (family == "poisson") poisson() else binomial())))
  logjoint <- function(par) {
    eta <- drop(K %*% par)
    ll <- if (family == "poisson") sum(dpois(y, exp(eta), log = TRUE)) else
      sum(dbinom(y, trials, plogis(eta), log = TRUE))
    ll + sum(dnorm(par[seq_len(q)], 0, s, log = TRUE))
  }
  hess <- function(par) {
    eta <- drop(K %*% par)
    W <- if (family == "poisson") exp(eta) else trials * plogis(eta) * (1 - plogis(eta))
    H <- crossprod(K, W * K)
    H[cbind(seq_len(q), seq_len(q))] <- H[cbind(seq_len(q), seq_len(q))] + 1 / s^2
    H
  }
  for (it in 1:200) {
    eta <- drop(K %*% par)
    mu <- if (family == "poisson") exp(eta) else trials * plogis(eta)
    grad <- drop(crossprod(K, y - mu)) - c(par[seq_len(q)] / s^2, rep(0, p))
    step <- solve(hess(par), grad)
    par <- par + step
    if (max(abs(step)) < 1e-13) break
  }
  H <- hess(par)
  ll <- logjoint(par) + (q + p) / 2 * log(2 * pi) - as.numeric(determinant(H)$modulus) / 2
  V <- solve(H)
  bi <- q + seq_len(p)
  list(logLik = ll, beta = setNames(par[bi], colnames(X)), se = setNames(sqrt(diag(V)[bi]), colnames(X)),
       newton_iterations = it)
}

## ---------------------------------------------------------------------------------------
## pinned numbers (lme4's tests, docs/numerics.md)

## one pinned quantity, compared as its source compares it: all.equal(pinned, ours, tolerance)
pin <- function(source, quantity, pinned, ours, tolerance = 1.5e-8) {
  ok <- isTRUE(all.equal(unname(pinned), unname(as.numeric(ours)), tolerance = tolerance,
                         check.attributes = FALSE))
  list(source = source, quantity = quantity, pinned = I(unname(pinned)),
       ours = I(unname(as.numeric(ours))), tolerance = tolerance, ok = ok)
}

check_pins <- function(name, pins) {
  bad <- Filter(function(p) !p$ok, pins)
  if (length(bad)) {
    stop(sprintf("case %s: pinned numbers not reproduced: %s", name,
                 paste(vapply(bad, function(p) sprintf("%s (%s): pinned %s ours %s", p$quantity, p$source,
                                                       paste(format(p$pinned, digits = 15), collapse = " "),
                                                       paste(format(p$ours, digits = 15), collapse = " ")), ""),
                       collapse = " | ")))
  }
  invisible(pins)
}

## ---------------------------------------------------------------------------------------
## lmer cases

## conditional modes and conditional SDs (ranef(condVar = TRUE)) of the first 5 levels of every
## grouping factor; terms of split (x || g) terms are joined into one block, as ranef() does
lmm_ranef_head <- function(fit) {
  rr <- as.data.frame(ranef(fit, condVar = TRUE))
  out <- list()
  for (g in unique(as.character(rr$grpvar))) {
    s <- rr[rr$grpvar == g, ]
    terms <- unique(as.character(s$term))
    levs <- unique(as.character(s$grp))[seq_len(min(5, length(unique(s$grp))))]
    pick <- function(col) sapply(terms, function(t) { st <- s[s$term == t, ]; st[[col]][match(levs, st$grp)] })
    val <- pick("condval")
    vsd <- pick("condsd")
    out[[g]] <- list(terms = I(terms), levels = I(levs),
                     values = unname(matrix(val, ncol = length(terms))),
                     condsd = unname(matrix(vsd, ncol = length(terms))))
  }
  out
}

## the same call with the tight bobyqa control (the control of the public lmm_* cases)
tight_call <- function(call_text) sub("\\)$", sprintf(", control = %s)", LMER_TIGHT), call_text)

## fraction of the checker tolerance by which fit b differs from fit a
tolerance_use <- function(a, b) {
  fa <- fixef(a); fb <- fixef(b)
  sa <- sqrt(diag(as.matrix(vcov(a)))); sb <- sqrt(diag(as.matrix(vcov(b))))
  da <- unlist(lapply(VarCorr(a), attr, "stddev")); db <- unlist(lapply(VarCorr(b), attr, "stddev"))
  ca <- unlist(lapply(VarCorr(a), function(m) { cc <- attr(m, "correlation"); cc[upper.tri(cc)] }))
  cb <- unlist(lapply(VarCorr(b), function(m) { cc <- attr(m, "correlation"); cc[upper.tri(cc)] }))
  c(fixef = max(abs(fa - fb) / (2e-3 * pmax(1, abs(fa)))),
    se = max(abs(sa - sb) / (0.02 * sa)),
    sd = max(abs(da - db) / (3e-3 * pmax(1, da))),
    corr = if (length(ca)) max(abs(ca - cb), 0, na.rm = TRUE) / 0.02 else 0,
    sigma = abs(sigma(a) - sigma(b)) / (0.02 * sigma(a)),
    loglik = abs(as.numeric(logLik(a)) - as.numeric(logLik(b))) / 2e-3)
}

## pins: NULL or function(fit) returning a list of pin()s
lmer_case <- function(name, call, d, config, singular = FALSE, pins = NULL, info = list()) {
  r <- run_call(call, d)
  fit <- r$fit
  assert_clean_lme4(r, name, allow_singular = singular)
  if (!inherits(fit, "lmerMod")) stop("case ", name, ": not an lmer fit")
  if (singular != isSingular(fit)) stop("case ", name, ": isSingular() is ", isSingular(fit))
  reml <- isREML(fit)
  ll_r <- logLik(fit)
  ll <- as.numeric(ll_r)
  p <- length(fixef(fit)); nth <- length(getME(fit, "theta"))
  k <- p + nth + 1
  n <- nobs(fit)
  crit <- if (reml) REMLcrit(fit) else deviance(fit)
  if (attr(ll_r, "df") != k || abs(AIC(fit) - (-2 * ll + 2 * k)) > 1e-8 ||
      abs(BIC(fit) - (-2 * ll + log(n) * k)) > 1e-8 || abs(crit + 2 * ll) > 1e-8) {
    stop("case ", name, ": lme4's logLik/AIC/BIC bookkeeping is not what SE_NOTE_LMER says")
  }
  se <- setNames(sqrt(diag(as.matrix(vcov(fit)))), names(fixef(fit)))

  ## dense re-evaluation of the criterion, sigma, beta and se at lmer's theta
  own <- lmm_dense_eval(fit)
  own_crit <- if (reml) own$REML_criterion else own$ML_deviance
  if (abs(own_crit - crit) > 1e-6 || abs(own$sigma / sigma(fit) - 1) > 1e-7 ||
      max(abs(own$beta - fixef(fit)) / pmax(1, abs(fixef(fit)))) > 1e-7 || max(abs(own$se / se - 1)) > 1e-7) {
    stop(sprintf("case %s: dense evaluation disagrees (criterion %.10f vs lme4 %.10f)", name, own_crit, crit))
  }

  ## the same fit with the tight bobyqa control
  rt <- run_call(tight_call(call), d)
  assert_clean_lme4(rt, paste(name, "(bobyqa)"), allow_singular = singular)
  use <- tolerance_use(fit, rt$fit)
  if (max(use) > 0.1) {
    stop(sprintf("case %s: default and bobyqa fits differ by %.3g of a checker tolerance (%s)", name,
                 max(use), names(which.max(use))))
  }

  pins <- if (is.null(pins)) list() else check_pins(name, pins(fit))
  cmp <- getME(fit, "devcomp")$cmp
  base_info <- list(
    note = SE_NOTE_LMER,
    criterion_value = setNames(list(crit), if (reml) "REMLcrit" else "deviance"),
    devcomp = named(cmp[c("ldL2", "ldRX2", "wrss", "ussq", "pwrss", "sigmaML", "sigmaREML")]),
    n_parameters = k,
    R_logLik_df = attr(ll_r, "df"),
    R_AIC = AIC(fit),
    R_BIC = BIC(fit),
    isSingular = isSingular(fit),
    theta = I(unname(getME(fit, "theta"))),
    vcov_fixef = unname(as.matrix(vcov(fit))),
    t_values = named(fixef(fit) / se),
    optimizer = list(name = fit@optinfo$optimizer, evaluations = fit@optinfo$feval,
                     message = fit@optinfo$message),
    lme4_messages = I(as.character(unique(unlist(c(r$messages, fit@optinfo$conv$lme4$messages))))),
    ranef = lmm_ranef_head(fit),
    own_evaluation = list(
      note = "lmm_dense_eval (cases_lmm.R): the profiled criteria of docs/numerics.md at lmer's theta, dense algebra; ldW = sum(log w) enters both criteria as -ldW",
      ML_deviance = own$ML_deviance, REML_criterion = own$REML_criterion, ldL2 = own$ldL2,
      ldRX2 = own$ldRX2, ldW = own$ldW, pwrss = own$pwrss, sigma = own$sigma, se = named(own$se)),
    bobyqa_tight_crosscheck = list(
      call = sprintf("lme4 %s %s", V_LME4, rt$call),
      criterion_value = if (reml) REMLcrit(rt$fit) else deviance(rt$fit),
      theta = I(unname(getME(rt$fit, "theta"))),
      sigma = sigma(rt$fit),
      fixef = named(fixef(rt$fit)),
      se = named(sqrt(diag(as.matrix(vcov(rt$fit))))),
      max_fraction_of_tolerance = named(use)))
  if (length(pins)) base_info$pinned <- pins
  e <- list(
    reference = lme4_reference(r$call),
    converged = TRUE,
    criterion = if (reml) "REML" else "ML",
    family = "gaussian",
    link = "identity",
    family_parameters = list(sigma = sigma(fit)),
    nobs = n,
    fixef = named(fixef(fit)),
    se = named(se),
    zi_fixef = named(c()),
    zi_se = named(c()),
    random = random_lme4(fit),
    loglik = ll,
    aic = -2 * ll + 2 * k,
    bic = -2 * ll + log(n) * k,
    singular = singular,
    info = c(base_info, info))
  write_config(name, config, root = LMM_ROOT)
  write_expected(name, e, root = LMM_ROOT)
  cat(sprintf("lmm/%-26s nobs %4d  p %d  %-4s loglik %.6f  sigma %.6g%s%s\n", name, n, p, e$criterion, ll,
              sigma(fit), if (singular) "  (singular)" else "",
              if (length(pins)) sprintf("  [%d pinned numbers ok]", length(pins)) else ""))
  invisible(r)
}

## a new case folder with data.csv; returns the data as read back
lmm_data <- function(name, df) {
  new_case(name, root = LMM_ROOT)
  write_data(name, df, root = LMM_ROOT)
}

cfg <- function(formula, reml, ...) c("data: data.csv", paste("formula:", formula), "family: gaussian",
                                      paste("reml:", if (reml) "true" else "false"), ...)

NUMERICS <- "docs/numerics.md (Linear mixed models)"

T_LMER <- paste0(LME4_TESTS, "testthat/test-lmer.R")
T_LMER1 <- paste0(LME4_TESTS, "lmer-1.R")
T_REMLDEV <- paste0(LME4_TESTS, "REMLdev.R")
T_PRIORW <- paste0(LME4_TESTS, "priorWeights.R")
vc11 <- function(fit) VarCorr(fit)[[1]][1, 1]
se_of <- function(fit) sqrt(diag(as.matrix(vcov(fit))))

## 1.-4. sleepstudy -------------------------------------------------------------------------
local({
  ss <- lme4::sleepstudy
  note <- "lme4::sleepstudy (Subject written as its integer labels 308..372)"

  name <- "sleepstudy_reml"
  d <- lmm_data(name, ss)
  lmer_case(name, "lmer(Reaction ~ Days + (Days | Subject), data = d)", d,
            cfg("Reaction ~ Days + (Days | Subject)", TRUE),
            pins = function(fit) list(
              pin(NUMERICS, "REMLcrit", 1743.6282719600, REMLcrit(fit), 1e-11),
              pin(NUMERICS, "sigma (printed digits)", 25.59180, sigma(fit), 1e-6),
              pin(NUMERICS, "se (Intercept) (printed digits)", 6.82460, se_of(fit)[1], 1e-6),
              pin(T_REMLDEV, "REMLcrit(fm1) (the lme4.0 value)", 1743.6282722424, REMLcrit(fit)),
              pin(T_LMER1, "fixef(fm1)", c(251.405104848485, 10.467285959595), fixef(fit), 1e-13),
              pin(T_LMER1, "cov2cor(vcov(fm1))[1, 2]", -0.1375, cov2cor(as.matrix(vcov(fit)))[1, 2], 4e-4)),
            info = list(data = note))

  name <- "sleepstudy_ml"
  d <- lmm_data(name, ss)
  lmer_case(name, "lmer(Reaction ~ Days + (Days | Subject), data = d, REML = FALSE)", d,
            cfg("Reaction ~ Days + (Days | Subject)", FALSE),
            pins = function(fit) list(
              pin(T_REMLDEV, "deviance(fm1ML) (comment, 3 decimals)", 1751.939, deviance(fit), 3e-7),
              pin(T_LMER1, "c(AIC(fm1ML), BIC(fm1ML)) (part of ICm)", c(1763.94, 1783.1), c(AIC(fit), BIC(fit)), 1e-5)),
            info = list(data = note,
                        lme4_note = "REMLdev.R also lists the lme4.0 ML deviance 1751.98581103058, but passes it to all.equal() as the tolerance argument; lme4 >= 1.0 gives 1751.939"))

  name <- "sleepstudy_uncorr_reml"
  d <- lmm_data(name, ss)
  lmer_case(name, "lmer(Reaction ~ Days + (Days || Subject), data = d)", d,
            cfg("Reaction ~ Days + (Days || Subject)", TRUE),
            info = list(data = note,
                        random_note = "lme4 splits (Days || Subject) into (1 | Subject) + (0 + Days | Subject): two entries with group Subject"))

  name <- "sleepstudy_uncorr_ml"
  d <- lmm_data(name, ss)
  lmer_case(name, "lmer(Reaction ~ Days + (1 | Subject) + (0 + Days | Subject), data = d, REML = FALSE)", d,
            cfg("Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", FALSE),
            pins = function(fit) list(
              pin(T_LMER1, "c(AIC(fm2ML), BIC(fm2ML)) (part of ICm; fm2ML = refitML(fm2))", c(1762, 1777.97),
                  c(AIC(fit), BIC(fit)), 1e-5)),
            info = list(data = note,
                        random_note = "the lme4 test's spelling of (Days || Subject): two terms with group Subject"))
})

## 5.-7. Dyestuff, Dyestuff2 ---------------------------------------------------------------
local({
  name <- "dyestuff_reml"
  d <- lmm_data(name, lme4::Dyestuff)
  lmer_case(name, "lmer(Yield ~ 1 + (1 | Batch), data = d)", d, cfg("Yield ~ 1 + (1 | Batch)", TRUE),
            pins = function(fit) {
              f <- as.function(fit)
              list(
                pin(NUMERICS, "REMLcrit", 319.6542768423, REMLcrit(fit), 1e-12),
                pin(NUMERICS, "sigma (printed digits)", 49.5101, sigma(fit), 1e-6),
                pin(NUMERICS, "se (printed digits)", 19.38341, se_of(fit), 1e-6),
                pin(T_LMER, "REMLcrit(fm1)", 319.654276842342, REMLcrit(fit)),
                pin(T_LMER, "fixef(fm1)", 1527.5, fixef(fit)),
                pin(T_LMER, "sigma(fm1)", 49.5101272946856, sigma(fit), 1e-6),
                pin(T_LMER, "VarCorr(fm1)[[1]][1, 1]", 1764.0375195, vc11(fit), 1e-5),
                pin(T_LMER, "vcov(fm1)[1, 1]", 375.714676744, as.matrix(vcov(fit))[1, 1], 1e-5),
                pin(T_LMER, "getME(fm1, 'theta')", 0.84832031, getME(fit, "theta"), 6e-6),
                pin(T_LMER, "as.function(fm1)(1) (profiled REML criterion at theta = 1)", 319.792389042002, f(1)),
                pin(T_LMER, "as.function(fm1)(0) (at theta = 0)", 326.023232155879, f(0)))
            },
            info = list(data = "lme4::Dyestuff",
                        criterion_at_theta = list(note = "profiled REML criterion d_R(theta) = as.function(fit)(theta) (lme4's test pins theta = 0 and 1)",
                                                  theta = I(c(0, 0.5, 1, 2)),
                                                  REMLcrit = I(vapply(c(0, 0.5, 1, 2), function(t) lmm_dense_eval(
                                                    lmer(Yield ~ 1 + (1 | Batch), data = d), t)$REML_criterion, 0)))))

  name <- "dyestuff_ml"
  d <- lmm_data(name, lme4::Dyestuff)
  lmer_case(name, "lmer(Yield ~ 1 + (1 | Batch), data = d, REML = FALSE)", d, cfg("Yield ~ 1 + (1 | Batch)", FALSE),
            pins = function(fit) list(
              pin(NUMERICS, "deviance", 327.3270598811, deviance(fit), 1e-12),
              pin(NUMERICS, "se (printed digits)", 17.69455, se_of(fit), 1e-6),
              pin(T_LMER, "deviance(fm1ML) (fm1ML = refitML(fm1))", 327.327059881135, deviance(fit)),
              pin(T_LMER, "sigma(fm1ML)", 49.5100999308089, sigma(fit), 1e-8),
              pin(T_LMER, "vcov(fm1ML)[1, 1]", 313.09721874266, as.matrix(vcov(fit))[1, 1], 1e-7)),
            info = list(data = "lme4::Dyestuff"))

  name <- "dyestuff2_singular"
  d <- lmm_data(name, lme4::Dyestuff2)
  lmer_case(name, "lmer(Yield ~ 1 + (1 | Batch), data = d)", d, cfg("Yield ~ 1 + (1 | Batch)", TRUE),
            singular = TRUE,
            pins = function(fit) list(
              pin(T_LMER1, "coef(summary(fm3)) [Estimate, Std. Error, t value]", c(5.6656, 0.67838803150, 8.3515624346),
                  coef(summary(fit))[1, ]),
              pin(T_LMER, "VarCorr(fm2)[[1]][1, 1] (fm2 = refit(fm1, Dyestuff2$Yield))", 0, vc11(fit)),
              pin(T_LMER, "getME(fm2, 'theta')", 0, getME(fit, "theta"))),
            info = list(data = "lme4::Dyestuff2",
                        singular_note = "theta = 0 exactly: the between-batch SD is 0, sigma is the SD of the 30 values about their mean with n - 1 in the denominator (REML)"))
})

## 8.-9. Penicillin (crossed), Pastes (nested) -----------------------------------------------
local({
  name <- "penicillin_crossed"
  d <- lmm_data(name, lme4::Penicillin)
  lmer_case(name, "lmer(diameter ~ 1 + (1 | plate) + (1 | sample), data = d)", d,
            cfg("diameter ~ 1 + (1 | plate) + (1 | sample)", TRUE),
            info = list(data = "lme4::Penicillin: 24 plates x 6 samples, fully crossed"))

  name <- "pastes_nested"
  d <- lmm_data(name, lme4::Pastes)
  lmer_case(name, "lmer(strength ~ 1 + (1 | batch/cask), data = d)", d,
            cfg("strength ~ 1 + (1 | batch/cask)", TRUE),
            info = list(data = "lme4::Pastes: 10 batches x 3 casks (labels a-c repeat in every batch) x 2; the column sample (= batch:cask) is left unused",
                        random_note = "(1 | batch/cask) = (1 | batch) + (1 | batch:cask); lme4 names the nested factor cask:batch"))
})

## 10. precision weights (simulated), ML ----------------------------------------------------
local({
  name <- "weights_ml"
  set.seed(1301)
  ng <- 25; m <- 8
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  w <- round(runif(ng * m, 0.25, 4), 2)
  u <- rnorm(ng, 0, 0.8)
  y <- round(2 + 0.5 * x + u[gi] + rnorm(ng * m, 0, 1.2) / sqrt(w), 4)
  d <- lmm_data(name, data.frame(g = g, x = x, w = w, y = y))
  unweighted <- lmer(y ~ x + (1 | g), data = d, REML = FALSE)
  lmer_case(name, "lmer(y ~ x + (1 | g), data = d, weights = w, REML = FALSE)", d,
            cfg("y ~ x + (1 | g)", FALSE, "weights: w"),
            info = list(
              weights_note = "precision weights: residual variance sigma^2 / w_i; the log-likelihood has + sum(log w_i)/2 (lme4's deviance subtracts ldW = sum(log w))",
              unweighted = list(call = "lmer(y ~ x + (1 | g), data = d, REML = FALSE)",
                                loglik = as.numeric(logLik(unweighted)), fixef = named(fixef(unweighted)),
                                sigma = sigma(unweighted))))
})

## 11.-12. offset (column and formula), REML -----------------------------------------------
local({
  set.seed(1302)
  ng <- 30; m <- 6
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(runif(ng * m, 0, 10))
  base <- r3(rnorm(ng * m, 20, 4))
  u <- rnorm(ng, 0, 1.5)
  y <- round(base + 1 - 0.3 * x + u[gi] + rnorm(ng * m, 0, 2), 3)
  df <- data.frame(g = g, x = x, base = base, y = y)

  name <- "offset_column"
  d <- lmm_data(name, df)
  no_offset <- lmer(y ~ x + (1 | g), data = d)
  lmer_case(name, "lmer(y ~ x + (1 | g), data = d, offset = base)", d,
            cfg("y ~ x + (1 | g)", TRUE, "offset: base"),
            info = list(offset_note = "y = base + 1 - 0.3 x + u + e: the offset carries base with coefficient 1",
                        without_offset = list(loglik = as.numeric(logLik(no_offset)), fixef = named(fixef(no_offset)))))

  name <- "offset_formula"
  d <- lmm_data(name, df)
  lmer_case(name, "lmer(y ~ x + offset(base) + (1 | g), data = d)", d,
            cfg("y ~ x + offset(base) + (1 | g)", TRUE),
            info = list(offset_note = "same data and model as offset_column, offset in the formula"))
})

## 13. factor covariates and an interaction, REML ------------------------------------------
local({
  name <- "factors"
  set.seed(1303)
  ng <- 24; m <- 10
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  f1 <- sample(c("ctrl", "trtA", "trtB"), ng * m, replace = TRUE)
  f2 <- sample(c("alpha", "Beta", "gamma"), ng * m, replace = TRUE)
  mu <- 10 + 1.0 * x + c(ctrl = 0, trtA = 1.5, trtB = -1.0)[f1] + c(ctrl = 0, trtA = 0.8, trtB = -0.6)[f1] * x +
    c(alpha = 0, Beta = 0.7, gamma = -0.9)[f2]
  u <- rnorm(ng, 0, 1.2)
  y <- round(mu + u[gi] + rnorm(ng * m, 0, 1.5), 3)
  d <- lmm_data(name, data.frame(g = g, f1 = f1, f2 = f2, x = x, y = y))
  lmer_case(name, "lmer(y ~ f1 * x + f2 + (1 | g), data = d)", d, cfg("y ~ f1 * x + f2 + (1 | g)", TRUE),
            info = list(levels_note = paste("f2 levels in byte (C) order are", paste(levels(d$f2), collapse = ", "),
                                            "- 'Beta' sorts before 'alpha', so it is the reference level")))
})

## 14.-17. cases from lme4's own tests, with their pinned numbers ----------------------------
local({
  ## lmer-1.R, "Simple example by Andrew Gelman (2006-01-10)"
  name <- "lme4test_gelman"
  n.groups <- 10; n.reps <- 2
  group.id <- gl(n.groups, n.reps)
  set.seed(0)
  a.group <- rnorm(n.groups, 1, 2)
  y <- rnorm(length(group.id), a.group[group.id], 1)
  d <- lmm_data(name, data.frame(group.id = group.id, y = y))
  lmer_case(name, "lmer(y ~ 1 + (1 | group.id), data = d)", d, cfg("y ~ 1 + (1 | group.id)", TRUE),
            pins = function(fit) {
              re <- ranef(fit, condVar = TRUE)$group.id
              list(
                pin(T_LMER1, "fixef(fit.1)", 1.571312129, fixef(fit)),
                pin(T_LMER1, "ranef(fit.1, drop = TRUE)$group.id",
                    c(1.8046888, -1.8097665, 1.6146451, 1.5408268, -0.1331995,
                      -3.3306655, -1.8259277, -0.8735145, -0.3591311, 3.3720441), re[, 1], 1e-5),
                pin(T_LMER1, "postVar (conditional variances of the modes)", rep.int(0.311091076, 10),
                    as.numeric(attr(re, "postVar")), 1e-5))
            },
            info = list(data = "lme4 tests/lmer-1.R: set.seed(0); group.id <- gl(10, 2); a.group <- rnorm(10, 1, 2); y <- rnorm(20, a.group[group.id], 1) (a dotted column name, as in the test)"))

  ## lmer-1.R, "Use a more sensible model": r2 <- lmer(y ~ 0+lagoon + (1|habitat), data = dat)
  name <- "lme4test_lagoon_singular"
  set.seed(1)
  dat <- within(data.frame(lagoon = factor(rep(1:4, each = 25)), habitat = factor(rep(1:20, each = 5))),
                y <- round(10 * rnorm(100, m = 10 * as.numeric(lagoon))))
  d <- lmm_data(name, dat)
  lmer_case(name, "lmer(y ~ 0 + factor(lagoon) + (1 | habitat), data = d)", d,
            cfg("y ~ 0 + factor(lagoon) + (1 | habitat)", TRUE), singular = TRUE,
            pins = function(fit) list(
              pin(T_LMER1, "unname(fixef(r2)) - (1:4)*100", c(1.72, 0.28, 1.76, 0.8), fixef(fit) - (1:4) * 100, 1e-13),
              pin(T_LMER1, "diag(vcov(r2)) (= 9.9833/3; printed digits)", rep(9.9833 / 3, 4),
                  diag(as.matrix(vcov(fit))), 1e-5)),
            info = list(data = "lme4 tests/lmer-1.R: set.seed(1); lagoon = 1:4 x 25 rows, habitat = 1:20 x 5 rows (nested in lagoon), y = round(10 rnorm(100, 10 lagoon)); both written as integers, lagoon made a factor in the formula",
                        singular_note = "no habitat effect in the simulation: theta = 0; each fixef is its lagoon's mean"))

  ## testthat/test-lmer.R: mix1 <- lmer(resp ~ 0 + var1 + var1:var2 + (1|var3), data = d)
  ## (the test runs with RNGkind(sample.kind = "Rounding"))
  name <- "lme4test_factor_slopes"
  old <- RNGkind()
  suppressWarnings(RNGkind("Mersenne-Twister", "Inversion", "Rounding"))
  set.seed(101)
  dd <- data.frame(resp = runif(100), var1 = factor(sample(1:5, size = 100, replace = TRUE)),
                   var2 = runif(100), var3 = factor(sample(1:5, size = 100, replace = TRUE)))
  RNGkind(old[1], old[2], old[3])
  d <- lmm_data(name, dd)
  lmer_case(name, "lmer(resp ~ 0 + factor(var1) + factor(var1):var2 + (1 | var3), data = d)", d,
            cfg("resp ~ 0 + factor(var1) + factor(var1):var2 + (1 | var3)", TRUE),
            pins = function(fit) list(
              pin(T_LMER, "fixef(mix1)", c(0.2703951, 0.3832911, 0.451279, 0.6528842, 0.6109819,
                                          0.4949802, 0.1222705, 0.08702069, -0.2856431, -0.01596725),
                  fixef(fit), 6e-6)),
            info = list(data = "lme4 tests/testthat/test-lmer.R: RNGkind(sample.kind = 'Rounding'); set.seed(101); resp = runif(100), var1 = sample(1:5), var2 = runif(100), var3 = sample(1:5); var1 and var3 written as integers",
                        model_matrix_note = "0 + factor(var1) + factor(var1):var2: one intercept and one var2 slope per level of var1 (no reference level), names 'factor(var1)1' and 'factor(var1)1:var2'; var3 has only 5 levels and a small SD"))

  ## priorWeights.R: lmer(y ~ x + (x|g), weights = w, REML = TRUE) against nlme's
  ## lme(y ~ x, random = ~ x|g, weights = varFixed(~v), method = "REML"), tolerance 1e-2
  name <- "lme4test_prior_weights"
  set.seed(1)
  nGroups <- 100; nObs <- 1000
  explVar1 <- rnorm(nObs); explVar2 <- rnorm(nObs)
  groupFac <- as.factor(rep(1:nGroups, each = nObs / nGroups))
  randEff0 <- rep(rnorm(nGroups), each = nObs / nGroups)
  randEff1 <- rep(rnorm(nGroups), each = nObs / nGroups)
  randEff2 <- rep(rnorm(nGroups), each = nObs / nGroups)
  residSD <- rpois(nObs, 1) + 1
  residError <- rnorm(nObs, sd = residSD)
  respVar <- randEff0 + (1 + randEff1) * explVar1 + (1 + randEff2) * explVar2 + residError
  d <- lmm_data(name, data.frame(y = respVar, x = explVar1, g = groupFac, v = residSD^2, w = 1 / residSD^2))
  lme_fit <- nlme::lme(y ~ x, random = ~ x | g, weights = nlme::varFixed(~v), method = "REML", data = d)
  lme_sd <- as.numeric(nlme::VarCorr(lme_fit)[, "StdDev"])
  lme_tt <- summary(lme_fit)$tTable
  lmer_case(name, "lmer(y ~ x + (x | g), data = d, weights = w)", d, cfg("y ~ x + (x | g)", TRUE, "weights: w"),
            pins = function(fit) {
              vc <- VarCorr(fit)$g
              list(pin(sprintf("%s: nlme %s lme(y ~ x, random = ~ x | g, weights = varFixed(~v), method = 'REML'), compared as compFunc() does",
                               T_PRIORW, packageVersion("nlme")),
                       "sd (Intercept), sd x, sigma, fixef, se, t (compFunc)",
                       c(lme_sd, lme_tt[, "Value"], lme_tt[, "Std.Error"], lme_tt[, "t-value"]),
                       c(attr(vc, "stddev"), sigma(fit), fixef(fit), se_of(fit), fixef(fit) / se_of(fit)), 1e-2),
                   pin(sprintf("nlme %s lme(...) as above", packageVersion("nlme")), "logLik (REML; nlme's and lme4's constants and weight term agree)",
                       as.numeric(logLik(lme_fit)), as.numeric(logLik(fit)), 1e-8))
            },
            info = list(data = "lme4 tests/priorWeights.R: set.seed(1); 100 groups x 10; residual SD rpois(1) + 1, w = 1/SD^2 (the column v = 1/w is nlme's varFixed covariate, unused by lmer)",
                        nlme = list(call = "nlme::lme(y ~ x, random = ~ x | g, weights = varFixed(~v), method = 'REML', data = d)",
                                    logLik = as.numeric(logLik(lme_fit)), sd = I(lme_sd),
                                    corr = as.numeric(nlme::VarCorr(lme_fit)[2, "Corr"]),
                                    fixef = named(lme_tt[, "Value"]), se = named(lme_tt[, "Std.Error"]))))
})

## ---------------------------------------------------------------------------------------
## glmmTMB's REML = TRUE ("REML beyond lme4": beta integrated out with u by Laplace)

TMB_REML_NOTE <- paste(
  "info is not compared. glmmTMB REML = TRUE: beta is a random effect of the Laplace integral with a flat prior,",
  "loglik = logLik(fit) = the Laplace approximation of log integral p(y | b, beta) p(b) db dbeta (with (q + p)/2 log 2 pi),",
  "k = attr(logLik, 'df') = p + #theta (+ dispersion), as lmer's. se = sqrt(diag(vcov(fit)$cond)): for REML fits",
  "glmmTMB inverts the beta-marginal of sdreport's joint precision of (b, beta, theta), i.e.",
  "Var(beta) = (H^-1)_beta,beta + J Var(theta) J' with H the negative Hessian of the log joint density in (b, beta),",
  "J = d beta^(theta) / d theta and Var(theta) the inverse Hessian of -logLik in theta: unlike lmer's vcov it includes",
  "the uncertainty of theta (see own_evaluation: se vs se_conditional).")

tmb_reml_case <- function(name, call, d, config, family, link, own = NULL, info = list(),
                          family_parameters = list()) {
  r <- run_call(call, d)
  assert_clean_tmb(r, name)
  fit <- r$fit
  if (!isTRUE(fit$modelInfo$REML)) stop("case ", name, ": not a REML fit")
  ml_call <- sub("REML = TRUE", "REML = FALSE", call, fixed = TRUE)
  info$ML_fit_same_model <- tmb_crosscheck(ml_call, d, "the ML fit (REML = FALSE) of the same model, for contrast")
  if (!is.null(own)) {
    ev <- own(fit)
    if (abs(ev$logLik - as.numeric(logLik(fit))) > 1e-6 ||
        max(abs(ev$beta - fixef(fit)$cond)) > 1e-6 ||
        max(abs(ev$se / sqrt(diag(vcov(fit)$cond)) - 1)) > 1e-6) {
      stop(sprintf("case %s: own REML Laplace evaluation disagrees: %.8f vs %.8f", name, ev$logLik,
                   as.numeric(logLik(fit))))
    }
    info$own_evaluation <- list(
      note = paste("reml_laplace_eval (cases_lmm.R) at glmmTMB's SD: dense Newton for the joint mode of (b, beta), Laplace over both;",
                   "reproduces logLik, fixef and se. se = sqrt(diag((H^-1)_beta + J J' / I)) with J = d beta^/d log sd and",
                   "I = -d2 logLik / d(log sd)^2: glmmTMB's REML se include the uncertainty of theta;",
                   "se_conditional = sqrt(diag((H^-1)_beta)) leaves it out (lmer's convention)"),
      logLik = ev$logLik, beta = named(ev$beta), se = named(ev$se), se_conditional = named(ev$se_conditional),
      d_logLik_d_log_sd = ev$d_logLik_d_log_sd, sd_log_sd = ev$sd_log_sd, d_beta_d_log_sd = named(ev$d_beta_d_log_sd))
  }
  if (family == "gaussian") {
    family_parameters <- list(sigma = sigma(fit))
    lc <- info$lmer_crosscheck
    if (!is.null(lc) && (abs(lc$loglik - as.numeric(logLik(fit))) > 1e-5 ||
                         max(abs(unlist(lc$fixef) - fixef(fit)$cond)) > 1e-5 || abs(lc$sigma / sigma(fit) - 1) > 1e-5)) {
      stop("case ", name, ": glmmTMB's gaussian REML fit differs from lmer's")
    }
  }
  e <- tmb_expected(r, family, link, family_parameters = family_parameters, info = info)
  e$info$note <- TMB_REML_NOTE
  e <- c(e[1:2], list(criterion = "REML"), e[-(1:2)])
  write_config(name, config, root = LMM_ROOT)
  write_expected(name, e, root = LMM_ROOT)
  cat(sprintf("lmm/%-26s nobs %4d  p %d  REML loglik %.6f (ML fit %.6f)\n", name, e$nobs, length(e$fixef),
              e$loglik, info$ML_fit_same_model$loglik))
  invisible(r)
}

## reml_laplace_eval at glmmTMB's SD s, plus glmmTMB's se for REML fits: sdreport's joint
## precision of (b, beta, log s) marginalised to beta adds the uncertainty of log s,
##   Var(beta) = (H^-1)_beta,beta + J J' / I,   J = d beta^ / d log s,  I = -d2 log L_R / d (log s)^2
## (central differences with step 1e-4 in log s).
own_intercept <- function(d, response, trials, X, family) function(fit) {
  s <- attr(VarCorr(fit)$cond$g, "stddev")[[1]]
  at <- function(ls) reml_laplace_eval(d[[response]], if (is.null(trials)) rep(1, nrow(d)) else d[[trials]],
                                       X, d$g, exp(ls), family)
  h <- 1e-4
  e0 <- at(log(s)); ep <- at(log(s) + h); em <- at(log(s) - h)
  info_ls <- -(ep$logLik - 2 * e0$logLik + em$logLik) / h^2
  J <- (ep$beta - em$beta) / (2 * h)
  list(logLik = e0$logLik, beta = e0$beta, se = sqrt(e0$se^2 + J^2 / info_ls), se_conditional = e0$se,
       d_logLik_d_log_sd = (ep$logLik - em$logLik) / (2 * h), sd_log_sd = 1 / sqrt(info_ls),
       d_beta_d_log_sd = J)
}

local({
  name <- "glmmtmb_reml_poisson"
  set.seed(1401)
  ng <- 30; m <- 8
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  f <- sample(c("a", "b", "c"), ng * m, replace = TRUE)
  u <- rnorm(ng, 0, 0.5)
  y <- rpois(ng * m, exp(0.6 + 0.4 * x + c(a = 0, b = 0.3, c = -0.4)[f] + u[gi]))
  d <- lmm_data(name, data.frame(g = g, f = f, x = x, y = y))
  tmb_reml_case(name, "glmmTMB(y ~ x + f + (1 | g), data = d, family = poisson, REML = TRUE)", d,
                c("data: data.csv", "formula: y ~ x + f + (1 | g)", "family: poisson", "reml: true",
                  "integrator: {name: laplace, hessian: observed}"),
                "poisson", "log",
                own = own_intercept(d, "y", NULL, model.matrix(~ x + f, d), "poisson"))

  name <- "glmmtmb_reml_binomial"
  set.seed(1402)
  ng <- 25; m <- 6
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  n <- sample(4:12, ng * m, replace = TRUE)
  u <- rnorm(ng, 0, 0.7)
  s <- rbinom(ng * m, n, plogis(-0.3 + 0.6 * x + u[gi]))
  d <- lmm_data(name, data.frame(g = g, x = x, s = s, n = n))
  tmb_reml_case(name, "glmmTMB(cbind(s, n - s) ~ x + (1 | g), data = d, family = binomial, REML = TRUE)", d,
                c("data: data.csv", "formula: cbind(s, n - s) ~ x + (1 | g)", "family: binomial", "reml: true",
                  "integrator: {name: laplace, hessian: observed}"),
                "binomial", "logit",
                own = own_intercept(d, "s", "n", model.matrix(~ x, d), "binomial"))

  name <- "glmmtmb_reml_gaussian"
  d <- lmm_data(name, lme4::sleepstudy)
  lm_fit <- lmer(Reaction ~ Days + (Days | Subject), data = d)
  tmb_reml_case(name, "glmmTMB(Reaction ~ Days + (Days | Subject), data = d, family = gaussian, REML = TRUE)", d,
                cfg("Reaction ~ Days + (Days | Subject)", TRUE),
                "gaussian", "identity",
                info = list(lmer_crosscheck = list(
                  call = sprintf("lme4 %s lmer(Reaction ~ Days + (Days | Subject), data = d) (= sleepstudy_reml)", V_LME4),
                  loglik = as.numeric(logLik(lm_fit)), fixef = named(fixef(lm_fit)), se = named(se_of(lm_fit)),
                  sd = sd_flat(random_lme4(lm_fit)), sigma = sigma(lm_fit),
                  note = "glmmTMB's REML for gaussian is lmer's REML: same loglik (with constants) and estimates")))
})

## gaussian with the log link: a GLMM, glmmTMB's gaussian(link = "log"), ML and REML -----------
## (sleepstudy with a random intercept; the configs use hessian: observed, glmmTMB's Laplace)
local({
  ss <- lme4::sleepstudy
  cfg_log <- function(reml) c("data: data.csv", "formula: Reaction ~ Days + (1 | Subject)", "family: gaussian",
                              "link: log", paste("reml:", if (reml) "true" else "false"),
                              "integrator: {name: laplace, hessian: observed}")
  name <- "glmmtmb_gaussian_log_ml"
  d <- lmm_data(name, ss)
  call <- "glmmTMB(Reaction ~ Days + (1 | Subject), data = d, family = gaussian(link = \"log\"))"
  r <- run_call(call, d)
  assert_clean_tmb(r, name)
  e <- tmb_expected(r, "gaussian", "log", family_parameters = list(sigma = sigma(r$fit)))
  e <- c(e[1:2], list(criterion = "ML"), e[-(1:2)])
  write_config(name, cfg_log(FALSE), root = LMM_ROOT)
  write_expected(name, e, root = LMM_ROOT)
  cat(sprintf("lmm/%-26s nobs %4d  p %d  ML loglik %.6f\n", name, e$nobs, length(e$fixef), e$loglik))

  name <- "glmmtmb_reml_gaussian_log"
  d <- lmm_data(name, ss)
  tmb_reml_case(name, sub(")$", ", REML = TRUE)", call), d, cfg_log(TRUE), "gaussian", "log")
})

## every folder complete?
local({
  cases <- sort(list.files(LMM_ROOT))
  for (n in cases) {
    if (!all(file.exists(case_path(n, c("data.csv", "config.yaml", "expected.json"), LMM_ROOT)))) {
      stop("lmm case ", n, " is incomplete")
    }
  }
  cat(sprintf("%d cases written to %s\n", length(cases), LMM_ROOT))
})
