## Reference cases of issue 17 ("at home for R users"), made with lme4 and checked by
## tests/reference/check_reference.py (one ctest each, see tests/reference/CMakeLists.txt):
##
##   formula/<case>   formula functions and operators: scale(), poly() (R's orthogonal
##                    polynomials), log1p/exp/sqrt, arithmetic in I(), `*`, `:` and `^` in R's
##                    term order, `.` (weft: every column the model does not use otherwise; the
##                    R call names them), and na_action: omit (R's default na.omit)
##   condvar/<case>   conditional variances of the random effects: expected.json's "ranef" holds,
##                    per group, lme4's conditional modes and conditional SDs of every level
##                    (as.data.frame(ranef(fit, condVar = TRUE))$condsd) and, for groups with one
##                    term, the k x k blocks of attr(ranef(fit, condVar = TRUE)[[g]], "postVar")
##   predict/<case>   predict() on new data through scale() and poly() (R's makepredictcall):
##                    the layout of make_predict.R
##
##     setarch "$(uname -m)" -R Rscript tests/reference/R/cases_ecosystem.R   # repository root
##
## R 4.2.2, lme4 1.1-31.  Every fit must be clean (helpers.R's assert_clean_lme4).

Sys.setenv(LC_COLLATE = "C")
invisible(Sys.setlocale("LC_COLLATE", "C"))
source(file.path("tests", "reference", "R", "helpers.R"))

FORMULA_ROOT <- file.path("tests", "reference", "formula")
CONDVAR_ROOT <- file.path("tests", "reference", "condvar")
PRED_ROOT <- file.path("tests", "reference", "predict")
LMER_CTRL <- 'lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-10))'
lvl <- function(prefix, n) sprintf("%s%02d", prefix, seq_len(n))

## Every level's modes and conditional SDs (and, for a group with a single term, the k x k
## conditional covariance blocks), keyed by group as weft's JSON "ranef".
ranef_condvar <- function(fit) {
  re <- ranef(fit, condVar = TRUE)
  long <- as.data.frame(re)
  out <- list()
  for (g in names(re)) {
    r <- re[[g]]
    terms <- colnames(r)
    levs <- rownames(r)
    sub <- long[long$grpvar == g, ]
    condsd <- sapply(terms, function(t) { s <- sub[sub$term == t, ]; s$condsd[match(levs, s$grp)] })
    condsd <- matrix(condsd, nrow = length(levs))
    block <- list(terms = I(terms), levels = I(levs), values = unname(as.matrix(r)), condsd = unname(condsd))
    pv <- attr(r, "postVar")
    if (!is.null(pv) && is.array(pv) && dim(pv)[1] == length(terms)) {
      block$condvar <- lapply(seq_len(dim(pv)[3]), function(j) unname(matrix(pv[, , j], length(terms))))
    }
    out[[g]] <- block
  }
  out
}

## expected.json of an lmer fit (gaussian, REML unless the call says REML = FALSE).
lmer_expected <- function(r, reml, extra = list()) {
  fit <- r$fit
  ll <- as.numeric(logLik(fit))
  k <- length(fixef(fit)) + length(getME(fit, "theta")) + 1
  n <- nobs(fit)
  c(list(reference = lme4_reference(r$call, "lmer"), converged = TRUE, criterion = if (reml) "REML" else "ML",
         family = "gaussian", link = "identity", family_parameters = list(sigma = sigma(fit)), nobs = n,
         fixef = named(fixef(fit)), se = named(setNames(sqrt(diag(as.matrix(vcov(fit)))), names(fixef(fit)))),
         zi_fixef = named(c()), zi_se = named(c()), random = random_lme4(fit),
         loglik = ll, aic = -2 * ll + 2 * k, bic = -2 * ll + log(n) * k, singular = FALSE), extra)
}

case_lmer <- function(root, name, df, call, config, reml = TRUE, with_ranef = FALSE, info = list()) {
  new_case(name, root)
  d <- write_data(name, df, root)
  r <- run_call(call, d)
  assert_clean_lme4(r, name)
  write_config(name, config, root = root)
  e <- lmer_expected(r, reml)
  if (with_ranef) e$ranef <- ranef_condvar(r$fit)
  e$info <- c(info, list(theta = I(unname(getME(r$fit, "theta")))))
  write_expected(name, e, root)
  cat(sprintf("%-28s nobs %4d  loglik %.6f\n", name, nobs(r$fit), as.numeric(logLik(r$fit))))
  invisible(r)
}

case_glmer <- function(root, name, df, call, config, family, link, with_ranef = FALSE, info = list()) {
  new_case(name, root)
  d <- write_data(name, df, root)
  r <- run_call(call, d)
  assert_clean_lme4(r, name)
  write_config(name, config, root = root)
  e <- lme4_expected(r, family, link, info = info)
  if (with_ranef) e$ranef <- ranef_condvar(r$fit)
  write_expected(name, e, root)
  cat(sprintf("%-28s nobs %4d  loglik %.6f\n", name, nobs(r$fit), as.numeric(logLik(r$fit))))
  invisible(r)
}

glmer_call <- function(formula, family, extra = "") {
  sprintf("glmer(%s, data = d, family = %s%s, control = %s)", formula, family, extra, LME4_CTRL)
}
lmer_call <- function(formula, reml = TRUE, extra = "") {
  sprintf("lmer(%s, data = d%s%s, control = %s)", formula, if (reml) "" else ", REML = FALSE", extra, LMER_CTRL)
}

## ---- formula/ --------------------------------------------------------------------------------
set.seed(1701)
ng <- 15; m <- 12; n <- ng * m
g <- rep(lvl("g", ng), each = m)
u <- rnorm(ng, 0, 0.8)[rep(seq_len(ng), each = m)]
x <- round(rnorm(n, 50, 10), 2)          # scale() matters: mean 50, sd 10
z <- round(runif(n, 0, 4), 3)
f <- sample(c("lo", "mid", "hi"), n, replace = TRUE)
a <- sample(c("A1", "A2"), n, replace = TRUE)
b <- sample(c("B1", "B2", "B3"), n, replace = TRUE)
y <- 2 + 0.05 * (x - 50) + 0.8 * z - 0.3 * z^2 + c(lo = 0, mid = 0.4, hi = -0.5)[f] + u + rnorm(n, 0, 0.7)
base <- data.frame(y = round(y, 4), x = x, z = z, f = f, a = a, b = b, g = g)

case_lmer(FORMULA_ROOT, "scale_poly_lmer", base,
          lmer_call("y ~ scale(x) + poly(z, 2) + f + (1 | g)"),
          c("data: data.csv", "formula: y ~ scale(x) + poly(z, 2) + f + (1 | g)", "family: gaussian"))

case_lmer(FORMULA_ROOT, "poly3_ml_lmer", base,
          lmer_call("y ~ poly(x, 3) + z + (1 + scale(z) | g)", reml = FALSE),
          c("data: data.csv", "formula: y ~ poly(x, 3) + z + (1 + scale(z) | g)", "family: gaussian", "reml: false"),
          reml = FALSE)

case_lmer(FORMULA_ROOT, "power_interactions", base,
          lmer_call("y ~ (a + b + x)^2 + (1 | g)"),
          c("data: data.csv", "formula: y ~ (a + b + x)^2 + (1 | g)", "family: gaussian"))

case_lmer(FORMULA_ROOT, "star_colon_order", base,
          lmer_call("y ~ z:a + b * a * x + f:z + (1 | g)"),
          c("data: data.csv", "formula: y ~ z:a + b * a * x + f:z + (1 | g)", "family: gaussian"))

dot <- base[, c("y", "x", "z", "f", "g")]
case_lmer(FORMULA_ROOT, "dot_all_columns", dot,
          lmer_call("y ~ x + z + f + (1 | g)"),
          c("data: data.csv", "formula: y ~ . + (1 | g)   # . = x + z + f (every column but y and g)",
            "family: gaussian"),
          info = list(note = "weft's '.' stands for every column the model does not use otherwise (not y, not g); lme4's would add g as a fixed effect too"))

## the math functions and I() arithmetic, Poisson counts
set.seed(1702)
xc <- round(runif(n, 0, 3), 3)
cnt <- rpois(n, exp(0.3 + 0.5 * log1p(z) + 0.2 * sqrt(xc) + 0.4 * u))
math <- data.frame(count = cnt, z = z, xc = xc, x = x, g = g)
case_glmer(FORMULA_ROOT, "math_functions_poisson", math,
           glmer_call("count ~ log1p(z) + sqrt(xc) + exp(xc / 3) + I((x - 50)^2 / 100 + 1) + scale(x) + (1 | g)", "poisson"),
           c("data: data.csv", "formula: count ~ log1p(z) + sqrt(xc) + exp(xc / 3) + I((x - 50)^2 / 100 + 1) + scale(x) + (1 | g)",
             "family: poisson"), "poisson", "log")

## binomial with poly() in an interaction
set.seed(1703)
tr <- sample(5:15, n, replace = TRUE)
s <- rbinom(n, tr, plogis(-0.5 + 0.03 * (x - 50) + c(A1 = 0, A2 = 0.6)[a] + 0.5 * u))
bin <- data.frame(s = s, tr = tr, x = x, a = a, g = g)
case_glmer(FORMULA_ROOT, "poly_interaction_binomial", bin,
           glmer_call("cbind(s, tr - s) ~ poly(x, 2) * a + (1 | g)", "binomial"),
           c("data: data.csv", "formula: cbind(s, tr - s) ~ poly(x, 2) * a + (1 | g)", "family: binomial"),
           "binomial", "logit")

## na_action: omit -- R's default na.omit drops the rows with a missing value in a used column;
## a missing value in an unused column (`note`) drops nothing
na <- base[, c("y", "x", "z", "f", "g")]
na$note <- sample(c("ok", NA), n, replace = TRUE, prob = c(0.7, 0.3))
na$y[c(3, 40, 77)] <- NA
na$x[c(5, 41, 120)] <- NA
na$f[c(9, 150)] <- NA
na$g[c(100)] <- NA
case_lmer(FORMULA_ROOT, "na_omit", na,
          lmer_call("y ~ x + z + f + (1 | g)"),
          c("data: data.csv", "formula: y ~ x + z + f + (1 | g)", "family: gaussian", "na_action: omit"),
          info = list(n_omitted = 9))

## ---- condvar/ --------------------------------------------------------------------------------
cbpp_d <- lme4::cbpp
case_glmer(CONDVAR_ROOT, "cbpp_binomial", data.frame(herd = cbpp_d$herd, period = cbpp_d$period,
                                                     incidence = cbpp_d$incidence, size = cbpp_d$size),
           glmer_call("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", "binomial"),
           c("data: data.csv", "formula: cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)",
             "family: binomial"), "binomial", "logit", with_ranef = TRUE)

sleep <- lme4::sleepstudy
case_lmer(CONDVAR_ROOT, "sleepstudy_slopes", data.frame(Reaction = sleep$Reaction, Days = sleep$Days, Subject = sleep$Subject),
          lmer_call("Reaction ~ Days + (Days | Subject)"),
          c("data: data.csv", "formula: Reaction ~ Days + (Days | Subject)", "family: gaussian"), with_ranef = TRUE)

case_lmer(CONDVAR_ROOT, "sleepstudy_uncorrelated_ml", data.frame(Reaction = sleep$Reaction, Days = sleep$Days, Subject = sleep$Subject),
          lmer_call("Reaction ~ Days + (Days || Subject)", reml = FALSE),
          c("data: data.csv", "formula: Reaction ~ Days + (Days || Subject)", "family: gaussian", "reml: false"),
          reml = FALSE, with_ranef = TRUE)

set.seed(1704)
na_ <- 10; nb_ <- 8
ca <- rep(lvl("a", na_), each = nb_ * 3); cb <- rep(rep(lvl("b", nb_), each = 3), na_)
ua <- rnorm(na_, 0, 0.5)[match(ca, lvl("a", na_))]; ub <- rnorm(nb_, 0, 0.3)[match(cb, lvl("b", nb_))]
xx <- round(rnorm(length(ca)), 3)
cr <- data.frame(y = rpois(length(ca), exp(1 + 0.3 * xx + ua + ub)), x = xx, A = ca, B = cb)
case_glmer(CONDVAR_ROOT, "crossed_poisson_slope", cr,
           glmer_call("y ~ x + (1 + x | A) + (1 | B)", "poisson"),
           c("data: data.csv", "formula: y ~ x + (1 + x | A) + (1 | B)", "family: poisson"), "poisson", "log",
           with_ranef = TRUE)

## ---- predict/ (R's makepredictcall: training constants applied to new data) ------------------
local({
  name <- "poisson_scale_poly"
  p <- file.path(PRED_ROOT, name)
  if (dir.exists(p)) unlink(p, recursive = TRUE)
  dir.create(p, recursive = TRUE)
  d0 <- data.frame(count = cnt, x = x, z = z, g = g)
  write.csv(d0, file.path(p, "data.csv"), row.names = FALSE)
  d <- read.csv(file.path(p, "data.csv"), stringsAsFactors = TRUE)
  call <- glmer_call("count ~ scale(x) + poly(z, 2) + (1 | g)", "poisson")
  r <- run_call(call, d)
  assert_clean_lme4(r, name)
  nd0 <- data.frame(x = c(x[c(1, 50, 100)], 20, 85, 50), z = c(z[c(1, 50, 100)], 0.1, 4.5, 2),
                    g = c(g[c(1, 50, 100)], "g03", "new1", "new2"))
  write.csv(nd0, file.path(p, "newdata.csv"), row.names = FALSE)
  nd <- read.csv(file.path(p, "newdata.csv"), stringsAsFactors = TRUE)
  pr <- function(type, re) as.numeric(predict(r$fit, newdata = nd, type = type, re.form = re, allow.new.levels = TRUE))
  e <- data.frame(response = pr("response", NULL), link = pr("link", NULL),
                  response_population = pr("response", NA), link_population = pr("link", NA),
                  row_kind = c("train", "train", "train", "train_extrapolated", "new_g", "new_g"))
  ## by hand: the training data's centre, scale and polynomial coefficients on the new rows
  sx <- scale(d$x); pz <- poly(d$z, 2)
  Xn <- cbind(1, (nd$x - attr(sx, "scaled:center")) / attr(sx, "scaled:scale"), predict(pz, nd$z))
  eta0 <- drop(Xn %*% fixef(r$fit))
  if (max(abs(eta0 - e$link_population)) > 1e-10) stop("makepredictcall hand check failed")
  write.csv(e, file.path(p, "expected.csv"), row.names = FALSE)
  writeLines(c("data: data.csv", "formula: count ~ scale(x) + poly(z, 2) + (1 | g)", "family: poisson"),
             file.path(p, "config.yaml"))
  writeLines(c(sprintf("R %s.%s, lme4 %s; d = read.csv(\"data.csv\", stringsAsFactors = TRUE), LC_COLLATE=C.",
                       R.version$major, R.version$minor, V_LME4),
               paste("fit:", call),
               "expected.csv: predict(fit, newdata = nd, type = \"response\" | \"link\", re.form = NULL | NA, allow.new.levels = TRUE)",
               "scale(x) and poly(z, 2) use the training data's constants (makepredictcall), checked by hand to 1e-10"),
             file.path(p, "reference.txt"))
  cat(sprintf("%-28s predict %d rows\n", name, nrow(nd)))
})
