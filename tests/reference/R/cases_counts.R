## Count-family reference cases (negative binomial, zero-inflated, hurdle).  Sourced by
## make_all.R; run from the repository root:  Rscript tests/reference/R/make_all.R

lvl <- function(prefix, n) sprintf("%s%02d", prefix, seq_len(n))

tmb_case <- function(name, call, d, family, link, family_parameters = function(fit) list(),
                     info = list()) {
  r <- run_call(call, d)
  assert_clean_tmb(r, name)
  e <- tmb_expected(r, family, link, family_parameters = family_parameters(r$fit), info = info)
  write_expected(name, e)
  cat(sprintf("%-28s nobs %4d  p %d+%d  loglik %.6f  %s\n", name, e$nobs, length(e$fixef),
              length(e$zi_fixef), e$loglik,
              paste(names(e$family_parameters), unlist(e$family_parameters), collapse = " ")))
  invisible(r)
}

## Joint standard errors of a glmer.nb fit: the finite-difference Hessian of lme4's
## (expected-Hessian) Laplace deviance in (theta, beta, log nb-theta), for comparison with
## lme4's vcov(), which holds the negative-binomial theta fixed.
nb_joint_se <- function(fit, formula, d) {
  th_nb <- getME(fit, "glmer.nb.theta")
  p0 <- c(getME(fit, "theta"), fixef(fit), log(th_nb))
  nth <- length(getME(fit, "theta"))
  nb <- length(fixef(fit))
  dev_at <- function(p) {
    df <- glmer(formula, data = d, family = negative.binomial(theta = exp(p[length(p)])),
                nAGQ = 1, devFunOnly = TRUE,
                control = glmerControl(tolPwrss = 1e-12))
    df(p[seq_len(nth + nb)])
  }
  h <- 1e-4
  k <- length(p0)
  H <- matrix(0, k, k)
  f0 <- dev_at(p0)
  for (i in seq_len(k)) for (j in i:k) {
    e_i <- replace(numeric(k), i, h); e_j <- replace(numeric(k), j, h)
    H[i, j] <- H[j, i] <- (dev_at(p0 + e_i + e_j) - dev_at(p0 + e_i - e_j) -
                           dev_at(p0 - e_i + e_j) + dev_at(p0 - e_i - e_j)) / (4 * h * h)
  }
  grad <- vapply(seq_len(k), function(i) {
    e_i <- replace(numeric(k), i, h)
    (dev_at(p0 + e_i) - dev_at(p0 - e_i)) / (2 * h)
  }, 0)
  V <- 2 * solve(H)
  se <- sqrt(diag(V))[nth + seq_len(nb)]
  list(se_joint = named(setNames(se, names(fixef(fit)))),
       se_log_theta_nb = sqrt(V[k, k]),
       check_deviance_at_optimum = f0,
       deviance_gradient_theta_beta_logtheta = I(grad),
       check_minus2_logLik = -2 * as.numeric(logLik(fit)),
       note = paste("finite-difference (h = 1e-4) Hessian of lme4's Laplace deviance in (theta, beta, log nb-theta);",
                    "lme4's vcov() (the compared se) holds the nb theta fixed, so it is smaller or equal."))
}

## 18. negative binomial with a fixed theta, lme4 --------------------------------------------
local({
  name <- "nb2_fixed_theta"
  set.seed(1818)
  ng <- 40; m <- 8
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.5)
  y <- rnbinom(ng * m, mu = exp(1.0 + 0.4 * x + u[gi]), size = 2)
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: {name: nb2, theta: 2}")
  call <- sprintf("glmer(y ~ x + (1 | g), data = d, family = negative.binomial(theta = 2), control = %s)", LME4_CTRL)
  r <- run_call(call, d)
  assert_clean_lme4(r, name)
  info <- list(
    theta_note = paste("theta = 2 is fixed: not a family parameter of the fit and not counted in aic/bic",
                       "(R's logLik() of this glmer fit counts it: R_logLik_df is one more, R_AIC 2 more)."),
    glmmTMB_crosscheck = tmb_crosscheck("glmmTMB(y ~ x + (1 | g), data = d, family = nbinom2, start = list(betad = log(2)), map = list(betad = factor(NA)))",
                                        d, "theta fixed at 2 via map; glmmTMB's Laplace uses the observed Hessian (log link is not canonical for nb2)"))
  e <- lme4_expected(r, "nb2", "log", info = info)
  write_expected(name, e)
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f  (R AIC %.4f, ours %.4f)\n", name, e$nobs, length(e$fixef),
              e$loglik, e$info$R_AIC, e$aic))
})

## 19./20. estimated theta: lme4 glmer.nb and glmmTMB nbinom2 on the same data --------------
local({
  set.seed(1919)
  ng <- 50; m <- 8
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.6)
  y <- rnbinom(ng * m, mu = exp(0.8 + 0.5 * x + u[gi]), size = 1.5)
  df <- data.frame(g = g, x = x, y = y)

  name <- "nb2_estimated_lme4"
  new_case(name)
  d <- write_data(name, df)
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: nb2")
  call <- sprintf("glmer.nb(y ~ x + (1 | g), data = d, control = %s)", LME4_CTRL)
  r <- run_call(call, d)
  assert_clean_lme4(r, name)
  th <- getME(r$fit, "glmer.nb.theta")
  info <- list(
    se_note = "se = sqrt(diag(vcov(fit))): lme4's vcov of a glmer.nb fit is conditional on the estimated theta; se_joint_with_theta gives the joint-Hessian values",
    se_joint_with_theta = nb_joint_se(r$fit, y ~ x + (1 | g), d),
    glmmTMB_crosscheck = tmb_crosscheck("glmmTMB(y ~ x + (1 | g), data = d, family = nbinom2)", d,
                                        "observed-Hessian Laplace (= nb2_estimated_glmmtmb); lme4 uses Fisher weights"))
  e <- lme4_expected(r, "nb2", "log", family_parameters = list(theta = th), info = info)
  write_expected(name, e)
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f  theta %.5f (R AIC %.4f, ours %.4f)\n", name, e$nobs,
              length(e$fixef), e$loglik, th, e$info$R_AIC, e$aic))

  name <- "nb2_estimated_glmmtmb"
  new_case(name)
  d <- write_data(name, df)
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "family: nb2",
               "integrator: {name: laplace, hessian: observed}")
  tmb_case(name, "glmmTMB(y ~ x + (1 | g), data = d, family = nbinom2)", d, "nb2", "log",
           family_parameters = function(fit) list(theta = sigma(fit)),
           info = list(lme4_crosscheck = lme4_crosscheck(sprintf("glmer.nb(y ~ x + (1 | g), data = d, control = %s)", LME4_CTRL), d,
                                                         "expected-Hessian Laplace (= nb2_estimated_lme4); lme4 se conditional on theta")))
})

## 21. zero-inflated Poisson with a correlated random slope, glmmTMB -------------------------
local({
  name <- "zip_random_slope"
  set.seed(2121)
  ng <- 40; m <- 10
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(runif(ng * m, -1.5, 1.5), 3)
  z <- round(rnorm(ng * m), 3)
  S <- matrix(c(0.5^2, -0.4 * 0.5 * 0.35, -0.4 * 0.5 * 0.35, 0.35^2), 2)
  b <- matrix(rnorm(ng * 2), ng) %*% chol(S)
  mu <- exp(1.0 + 0.5 * x + b[gi, 1] + b[gi, 2] * x)
  pz <- plogis(-1.0 + 0.8 * z)
  y <- ifelse(runif(ng * m) < pz, 0L, rpois(ng * m, mu))
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, z = z, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 + x | g)", "zi: ~ z", "family: zip",
               "integrator: {name: laplace, hessian: observed}")
  tmb_case(name, "glmmTMB(y ~ x + (1 + x | g), ziformula = ~z, family = poisson, data = d)", d, "zip", "log")
})

## 22. hurdle negative binomial, glmmTMB -------------------------------------------------------
local({
  name <- "hurdle_nb2"
  set.seed(2225)  # 2222-2224: glmmTMB stops with max |gradient| > 1e-3
  ng <- 40; m <- 10
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  z <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.5)
  mu <- exp(1.2 + 0.4 * x + u[gi])
  rtnb <- function(mu) {               # zero-truncated NB2(theta = 2) by rejection
    repeat { v <- rnbinom(1, mu = mu, size = 2); if (v > 0) return(v) }
  }
  pos <- vapply(mu, rtnb, 0)
  zero <- runif(ng * m) < plogis(-0.5 + 0.8 * z)
  y <- ifelse(zero, 0, pos)
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, z = z, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "zi: ~ z", "family: hurdle_nb2",
               "integrator: {name: laplace, hessian: observed}")
  tmb_case(name, "glmmTMB(y ~ x + (1 | g), ziformula = ~z, family = truncated_nbinom2, data = d)", d,
           "hurdle_nb2", "log", family_parameters = function(fit) list(theta = sigma(fit)),
           info = list(hurdle_note = "zi_fixef model P(y = 0) on the logit scale; y > 0 follows the zero-truncated NB2"))
})

## 23. zero-inflated negative binomial, glmmTMB -------------------------------------------------
local({
  name <- "zinb2"
  set.seed(2323)
  ng <- 40; m <- 10
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  z <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.5)
  mu <- exp(1.3 + 0.5 * x + u[gi])
  y <- ifelse(runif(ng * m) < plogis(-1.0 + 1.0 * z), 0, rnbinom(ng * m, mu = mu, size = 2.5))
  new_case(name)
  d <- write_data(name, data.frame(g = g, x = x, z = z, y = y))
  write_config(name, "data: data.csv", "formula: y ~ x + (1 | g)", "zi: ~ z", "family: zinb2",
               "integrator: {name: laplace, hessian: observed}")
  tmb_case(name, "glmmTMB(y ~ x + (1 | g), ziformula = ~z, family = nbinom2, data = d)", d,
           "zinb2", "log", family_parameters = function(fit) list(theta = sigma(fit)))
})

## 24. the same overdispersed data as Poisson and as NB2 (lme4): NB2's AIC must be lower ----
local({
  set.seed(2424)
  ng <- 40; m <- 8
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  u <- rnorm(ng, 0, 0.4)
  y <- rnbinom(ng * m, mu = exp(1.2 + 0.3 * x + u[gi]), size = 1.2)
  df <- data.frame(g = g, x = x, y = y)

  pname <- "aic_poisson_vs_nb2_poisson"
  nname <- "aic_poisson_vs_nb2_nb2"
  new_case(pname); new_case(nname)
  dp <- write_data(pname, df)
  dn <- write_data(nname, df)
  write_config(pname, "data: data.csv", "formula: y ~ x + (1 | g)", "family: poisson")
  write_config(nname, "data: data.csv", "formula: y ~ x + (1 | g)", "family: nb2")
  rp <- run_call(sprintf("glmer(y ~ x + (1 | g), data = d, family = poisson, control = %s)", LME4_CTRL), dp)
  assert_clean_lme4(rp, pname)
  rn <- run_call(sprintf("glmer.nb(y ~ x + (1 | g), data = d, control = %s)", LME4_CTRL), dn)
  assert_clean_lme4(rn, nname)
  aics <- named(c(poisson = AIC(rp$fit), nb2 = AIC(rn$fit)))
  if (AIC(rn$fit) >= AIC(rp$fit)) stop("NB2 AIC not lower")
  ep <- lme4_expected(rp, "poisson", "log",
                      info = list(R_AIC_both = aics, pair_note = paste("same data as", nname, "(NB2 must have the lower AIC)")))
  th <- getME(rn$fit, "glmer.nb.theta")
  en <- lme4_expected(rn, "nb2", "log", family_parameters = list(theta = th),
                      info = list(R_AIC_both = aics,
                                  se_note = "lme4's vcov of a glmer.nb fit is conditional on theta",
                                  pair_note = paste("same data as", pname, "; aic_lower_than: weft's aic here must be lower than weft's aic for", pname)))
  en <- c(en[setdiff(names(en), "info")], list(aic_lower_than = list(case = pname)), en["info"])
  write_expected(pname, ep)
  write_expected(nname, en)
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f  aic %.4f\n", pname, ep$nobs, length(ep$fixef), ep$loglik, ep$aic))
  cat(sprintf("%-28s nobs %4d  p %d  loglik %.6f  aic %.4f  theta %.5f\n", nname, en$nobs, length(en$fixef), en$loglik, en$aic, th))
})
