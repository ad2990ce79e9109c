## Makes the predict references tests/reference/predict/<case>/ (checked by
## tests/reference/check_predict.py; one ctest `predict: <case>` each).
##
##     setarch "$(uname -m)" -R Rscript tests/reference/R/make_predict.R   # from the repository root
##
## (plain Rscript works too; see make_all.R for why setarch -R makes the files byte-identical.)
## R 4.2.2, lme4 1.1-31, glmmTMB 1.1.5 (TMB 1.9.2).  Deterministic: every case sets its seed.
##
## Every case folder gets
##   data.csv      the fitting data (write.csv, read back with read.csv(stringsAsFactors = TRUE)
##                 in the C collation before fitting, as weft reads it)
##   config.yaml   the weft model: the same model, Laplace flavour and parameters as the R fit
##   newdata.csv   rows to predict: training rows and rows whose grouping level(s) were never
##                 seen in fitting (covariates and offset only; no response columns)
##   expected.csv  response, link, response_population, link_population (and row_kind, not
##                 compared: train | new_<factor>... | new_all), one row per newdata row:
##                   lme4:    predict(fit, newdata = nd, type = T, re.form = R, allow.new.levels = TRUE)
##                   glmmTMB: predict(fit, newdata = nd, type = T, re.form = R, allow.new.levels = TRUE)
##                 with T in "response", "link" and R in NULL (random effects in) or NA (population).
##                 glmmTMB 1.1.5's type = "response" of a zero-inflated / hurdle model is the mean
##                 including the zero part (ZIP: (1 - pi) mu; hurdle Poisson: (1 - pi) mu / (1 - exp(-mu)),
##                 pi = P(y = 0) from the zi formula); its type = "link" is the conditional model's
##                 linear predictor eta (zi part ignored), which is weft's link scale.
##   reference.txt the R calls that made the fit and the predictions
##
## The script also recomputes every prediction by hand from fixef/ranef (and the zi model) and
## stops unless R's predict() agrees to 1e-8 (glmmTMB re-finds the conditional modes
## on the augmented data, which moves them by ~1e-9), and stops on any warning or convergence message
## of a reference fit (helpers.R), so the references are clean fits with checked semantics.

Sys.setenv(LC_COLLATE = "C")
invisible(Sys.setlocale("LC_COLLATE", "C"))
source(file.path("tests", "reference", "R", "helpers.R"))

PRED_ROOT <- file.path("tests", "reference", "predict")
dir.create(PRED_ROOT, recursive = TRUE, showWarnings = FALSE)

lvl <- function(prefix, n) sprintf("%s%02d", prefix, seq_len(n))
r3 <- function(x) round(x, 3)

pred_path <- function(name, file) file.path(PRED_ROOT, name, file)

new_pred_case <- function(name) {
  p <- file.path(PRED_ROOT, name)
  if (dir.exists(p)) unlink(p, recursive = TRUE)
  dir.create(p, recursive = TRUE, showWarnings = FALSE)
}

write_back <- function(df, file) {
  write.csv(df, file, row.names = FALSE)
  read.csv(file, stringsAsFactors = TRUE)
}

## The four predictions of `fit` on `nd` (the read-back newdata), as R's predict() gives them.
four_predictions <- function(fit, nd) {
  p <- function(type, re) {
    v <- if (identical(re, "NULL")) {
      predict(fit, newdata = nd, type = type, re.form = NULL, allow.new.levels = TRUE)
    } else {
      predict(fit, newdata = nd, type = type, re.form = NA, allow.new.levels = TRUE)
    }
    v <- as.numeric(v)
    if (length(v) != nrow(nd) || any(!is.finite(v))) stop("predict() gave non-finite or missing values")
    v
  }
  data.frame(response = p("response", "NULL"), link = p("link", "NULL"),
             response_population = p("response", "NA"), link_population = p("link", "NA"))
}

## Independent check of the predictions from the fitted coefficients and conditional modes.
## X, Xzi: fixed-effect model matrices of nd; offset: vector; re: list over grouping factors of
## list(levels = column of nd (character), Z = matrix of nd's random-effect covariates,
##      b = conditional modes (data.frame, rownames = levels)); kind: "binomial", "count",
## "zip", "hurdle_poisson"; betazi: zi coefficients.
check_by_hand <- function(got, X, beta, offset, re, kind, Xzi = NULL, betazi = NULL) {
  eta0 <- drop(X %*% beta) + offset
  eta <- eta0
  for (r in re) {
    b <- as.matrix(r$b)
    for (i in seq_along(eta)) {
      if (r$levels[i] %in% rownames(b)) eta[i] <- eta[i] + sum(r$Z[i, ] * b[r$levels[i], ])
    }
  }
  resp <- function(e) {
    switch(kind,
      binomial = plogis(e),
      count = exp(e),
      zip = exp(e) * (1 - plogis(drop(Xzi %*% betazi))),
      hurdle_poisson = exp(e) / (1 - exp(-exp(e))) * (1 - plogis(drop(Xzi %*% betazi))))
  }
  want <- data.frame(response = resp(eta), link = eta, response_population = resp(eta0),
                     link_population = eta0)
  for (col in names(want)) {
    err <- max(abs(got[[col]] - want[[col]]) / pmax(abs(want[[col]]), 1e-8))
    if (!(err < 1e-8)) stop(sprintf("hand check of %s failed: max rel err %g", col, err))
  }
  invisible(TRUE)
}

write_pred_case <- function(name, config, d, nd, kinds, r, calls) {
  writeLines(config, pred_path(name, "config.yaml"))
  e <- four_predictions(r$fit, nd)
  e$row_kind <- kinds
  write.csv(e, pred_path(name, "expected.csv"), row.names = FALSE)
  fe <- fixef(r$fit)
  writeLines(c(sprintf("R %s.%s, lme4 %s, glmmTMB %s, TMB %s; d = read.csv(\"data.csv\", stringsAsFactors = TRUE),",
                       R.version$major, R.version$minor, V_LME4, V_TMB, V_TMBC),
               "nd = read.csv(\"newdata.csv\", stringsAsFactors = TRUE), LC_COLLATE=C.",
               paste("fit:", r$call),
               paste("expected.csv:", calls),
               sprintf("loglik %.6f", as.numeric(logLik(r$fit)))),
             pred_path(name, "reference.txt"))
  cat(sprintf("%-22s nobs %4d  newdata %3d rows (%d new-level rows)  loglik %.6f\n", name, nrow(d),
              nrow(nd), sum(kinds != "train"), as.numeric(logLik(r$fit))))
  invisible(e)
}

LME4_PRED <- paste("predict(fit, newdata = nd, type = \"response\" | \"link\", re.form = NULL | NA,",
                   "allow.new.levels = TRUE)")
TMB_PRED <- paste("glmmTMB predict(fit, newdata = nd, type = \"response\" | \"link\", re.form = NULL | NA,",
                  "allow.new.levels = TRUE); response = mean including the zero part, link = conditional-model eta")

## (a) binomial, cbind response, a factor covariate -------------------------------------------
local({
  name <- "binomial_factor"
  set.seed(4101)
  ng <- 24; np <- 4
  g <- rep(lvl("g", ng), each = np)
  gi <- rep(seq_len(ng), each = np)
  p <- rep(seq_len(np), times = ng)
  n <- sample(6:25, ng * np, replace = TRUE)
  u <- rnorm(ng, 0, 0.7)
  s <- rbinom(ng * np, n, plogis(-0.6 + c(0, -0.8, -1.3, 0.4)[p] + u[gi]))
  new_pred_case(name)
  d <- write_back(data.frame(g = g, p = p, s = s, n = n), pred_path(name, "data.csv"))
  ## newdata: 8 training rows (every period), then two unseen herds with every period
  tr <- c(1, 6, 11, 16, 33, 50, 71, 96)
  nd0 <- rbind(data.frame(g = g[tr], p = p[tr]),
               data.frame(g = rep(c("new1", "znew2"), each = np), p = rep(seq_len(np), 2)))
  kinds <- c(rep("train", length(tr)), rep("new_g", 2 * np))
  nd <- write_back(nd0, pred_path(name, "newdata.csv"))
  call <- sprintf("glmer(cbind(s, n - s) ~ factor(p) + (1 | g), data = d, family = binomial, control = %s)", LME4_CTRL)
  r <- run_call(call, d)
  assert_clean_lme4(r, name)
  e <- write_pred_case(name, c("data: data.csv", "formula: cbind(s, n - s) ~ factor(p) + (1 | g)",
                               "family: binomial"), d, nd, kinds, r, LME4_PRED)
  X <- model.matrix(~ factor(p, levels = 1:np), nd)
  check_by_hand(e, X, fixef(r$fit), 0,
                list(list(levels = as.character(nd$g), Z = matrix(1, nrow(nd), 1), b = ranef(r$fit)$g)),
                "binomial")
})

## (b) Poisson, offset(log(t)), correlated random slope (1 + x | g) and a crossed (1 | h) ------
local({
  name <- "poisson_offset_slope_crossed"
  set.seed(4202)
  ng <- 30; nh <- 8; m <- 10
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  hi <- sample(rep(seq_len(nh), length.out = ng * m))
  h <- lvl("h", nh)[hi]
  x <- r3(runif(ng * m, -1.5, 1.5))
  t <- r3(runif(ng * m, 0.5, 3))
  S <- matrix(c(0.6^2, 0.5 * 0.6 * 0.3, 0.5 * 0.6 * 0.3, 0.3^2), 2)
  b <- matrix(rnorm(ng * 2), ng) %*% chol(S)
  v <- rnorm(nh, 0, 0.4)
  y <- rpois(ng * m, t * exp(0.5 + 0.4 * x + b[gi, 1] + b[gi, 2] * x + v[hi]))
  new_pred_case(name)
  d <- write_back(data.frame(g = g, h = h, x = x, t = t, y = y), pred_path(name, "data.csv"))
  tr <- c(1, 17, 42, 88, 123, 160, 201, 255, 290, 300)
  nd0 <- rbind(data.frame(g = g[tr], h = h[tr], x = x[tr], t = t[tr]),
               data.frame(g = c("gnew1", "gnew1", "g03", "g17", "gnew2", "gnew2"),
                          h = c("h02", "h07", "hnew", "hnew", "hnew", "h01"),
                          x = c(-1.2, 0.8, 0.5, -0.4, 1.1, 0.0),
                          t = c(1, 2.5, 0.7, 1.5, 2, 1)))
  kinds <- c(rep("train", length(tr)), "new_g", "new_g", "new_h", "new_h", "new_all", "new_g")
  nd <- write_back(nd0, pred_path(name, "newdata.csv"))
  f <- "y ~ x + offset(log(t)) + (1 + x | g) + (1 | h)"
  call <- sprintf("glmer(%s, data = d, family = poisson, control = %s)", f, LME4_CTRL)
  r <- run_call(call, d)
  assert_clean_lme4(r, name)
  e <- write_pred_case(name, c("data: data.csv", paste("formula:", f), "family: poisson"),
                       d, nd, kinds, r, LME4_PRED)
  re <- ranef(r$fit)
  check_by_hand(e, cbind(1, nd$x), fixef(r$fit), log(nd$t),
                list(list(levels = as.character(nd$g), Z = cbind(1, nd$x), b = re$g),
                     list(levels = as.character(nd$h), Z = matrix(1, nrow(nd), 1), b = re$h)),
                "count")
})

## (c) negative binomial (NB2) with a fixed theta = 2, lme4 ----------------------------------
local({
  name <- "nb2_fixed_theta"
  set.seed(4303)
  ng <- 40; m <- 8
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  f2 <- sample(c("ctl", "trt"), ng * m, replace = TRUE)
  u <- rnorm(ng, 0, 0.5)
  y <- rnbinom(ng * m, mu = exp(1.0 + 0.4 * x + 0.5 * (f2 == "trt") + u[gi]), size = 2)
  new_pred_case(name)
  d <- write_back(data.frame(g = g, x = x, f2 = f2, y = y), pred_path(name, "data.csv"))
  tr <- c(2, 40, 77, 130, 181, 222, 260, 319)
  nd0 <- rbind(data.frame(g = g[tr], x = x[tr], f2 = f2[tr]),
               data.frame(g = c("a_new", "a_new", "zz_new", "zz_new"), x = c(-1, 1.5, 0.3, -0.2),
                          f2 = c("ctl", "trt", "trt", "ctl")))
  kinds <- c(rep("train", length(tr)), rep("new_g", 4))
  nd <- write_back(nd0, pred_path(name, "newdata.csv"))
  f <- "y ~ x + f2 + (1 | g)"
  call <- sprintf("glmer(%s, data = d, family = negative.binomial(theta = 2), control = %s)", f, LME4_CTRL)
  r <- run_call(call, d)
  assert_clean_lme4(r, name)
  e <- write_pred_case(name, c("data: data.csv", paste("formula:", f), "family: {name: nb2, theta: 2}"),
                       d, nd, kinds, r, LME4_PRED)
  check_by_hand(e, cbind(1, nd$x, nd$f2 == "trt"), fixef(r$fit), 0,
                list(list(levels = as.character(nd$g), Z = matrix(1, nrow(nd), 1), b = ranef(r$fit)$g)),
                "count")
})

## glmmTMB cases: conditional y ~ x + (1 | g), zi ~ z ----------------------------------------
tmb_pred_case <- function(name, seed, tmb_family, weft_family, simulate) {
  set.seed(seed)
  ng <- 40; m <- 10
  g <- rep(lvl("g", ng), each = m)
  gi <- rep(seq_len(ng), each = m)
  x <- r3(rnorm(ng * m))
  z <- r3(rnorm(ng * m))
  u <- rnorm(ng, 0, 0.5)
  y <- simulate(exp(1.1 + 0.5 * x + u[gi]), plogis(-0.8 + 0.9 * z))
  new_pred_case(name)
  d <- write_back(data.frame(g = g, x = x, z = z, y = y), pred_path(name, "data.csv"))
  tr <- c(3, 45, 98, 150, 199, 246, 301, 377, 400)
  nd0 <- rbind(data.frame(g = g[tr], x = x[tr], z = z[tr]),
               data.frame(g = c("new_a", "new_a", "new_b", "new_b", "new_b"),
                          x = c(-1.3, 0.9, 0, 1.4, -0.5), z = c(0.2, -1.1, 1.6, 0, -0.4)))
  kinds <- c(rep("train", length(tr)), rep("new_g", 5))
  nd <- write_back(nd0, pred_path(name, "newdata.csv"))
  call <- sprintf("glmmTMB(y ~ x + (1 | g), ziformula = ~z, family = %s, data = d)", tmb_family)
  r <- run_call(call, d)
  assert_clean_tmb(r, name)
  e <- write_pred_case(name, c("data: data.csv", "formula: y ~ x + (1 | g)", "zi: ~ z",
                               paste("family:", weft_family),
                               "integrator: {name: laplace, hessian: observed}"),
                       d, nd, kinds, r, TMB_PRED)
  check_by_hand(e, cbind(1, nd$x), fixef(r$fit)$cond, 0,
                list(list(levels = as.character(nd$g), Z = matrix(1, nrow(nd), 1), b = ranef(r$fit)$cond$g)),
                weft_family, Xzi = cbind(1, nd$z), betazi = fixef(r$fit)$zi)
}

## (d) zero-inflated Poisson, glmmTMB (observed-Hessian Laplace) -------------------------------
tmb_pred_case("zip", 4404, "poisson", "zip", function(mu, pz) {
  ifelse(runif(length(mu)) < pz, 0L, rpois(length(mu), mu))
})

## (e) hurdle Poisson, glmmTMB truncated_poisson -----------------------------------------------
tmb_pred_case("hurdle_poisson", 4505, "truncated_poisson", "hurdle_poisson", function(mu, pz) {
  rtpois <- function(m) { repeat { v <- rpois(1, m); if (v > 0) return(v) } }  # zero-truncated, by rejection
  pos <- vapply(mu, rtpois, 0)
  ifelse(runif(length(mu)) < pz, 0, pos)
})

cases <- sort(list.files(PRED_ROOT))
for (n in cases) {
  if (!all(file.exists(pred_path(n, c("data.csv", "config.yaml", "newdata.csv", "expected.csv")))))
    stop("predict case ", n, " is incomplete")
}
cat(sprintf("%d predict cases written to %s\n", length(cases), PRED_ROOT))
