# Reference design matrices for weft's formula parser and design builder
# (tests/unit/test_design_reference.cpp). Run from anywhere:
#   Rscript tests/data/design/make_design_refs.R
# Made with R 4.2.2 and lme4 1.1-31. Writes, next to this script:
#   design_data.csv            the data set (read back with read.csv(stringsAsFactors = TRUE))
#   design_cases.json          per case: formula, X column names, lme4's rank message, and for
#                              mixed models the random terms (group, columns, levels), theta, nl, Gp
#   X_<case>.csv, Z_<case>.csv model.matrix / lme4's X (after chkRank.drop.cols) and t(Zt), %.17g
#   Lambda_<case>.csv          t(Lambdat) with each structural entry replaced by its Lind (1-based)
#   numbers.csv                doubles (%.17g) and R's as.character() of them
suppressMessages({ library(lme4); library(jsonlite) })
invisible(Sys.setlocale("LC_COLLATE", "C"))
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))

set.seed(20240611)
n <- 60
d <- data.frame(
  y = round(rnorm(n), 4),
  x = round(rnorm(n), 3),
  z = round(runif(n, 0.5, 3), 3),
  f = sample(c("a", "b", "c"), n, replace = TRUE),
  lg = sample(c(TRUE, FALSE), n, replace = TRUE),
  g = sprintf("g%02d", rep(1:8, length.out = n)),
  h = rep(1:5, each = 12),
  period = sample(1:4, n, replace = TRUE),
  big = sample(c(1e-05, 2.5, 95, 1e5, 123456), n, replace = TRUE),
  ibig = sample(c(5L, 100000L, 200000L), n, replace = TRUE),
  s = 0, m = sample(5:20, n, replace = TRUE),
  w = round(runif(n, 0.5, 2), 2),
  const = 1,
  off = round(rnorm(n, sd = 0.1), 3)
)
d$s <- rbinom(n, d$m, 0.3)
d$x2 <- 2 * d$x
d$f[1:3] <- c("a", "b", "c")  # every level present
write.csv(d, file.path(here, "design_data.csv"), row.names = FALSE, quote = FALSE)
d <- read.csv(file.path(here, "design_data.csv"), stringsAsFactors = TRUE)

fixed_cases <- list(
  period = y ~ factor(period),
  string_factor = y ~ f,
  main_effects = y ~ x + f + lg,
  factor_times_numeric = y ~ f * x,
  numeric_colon_factor = y ~ x:f,
  no_intercept_factor = y ~ 0 + f,
  factor_colon_factor = y ~ f:lg,
  factor_times_factor = y ~ f * lg,
  functions = y ~ I(x^2) + log(z) + log(z + 1) + sqrt(z) + exp(x) + abs(x) + log2(z) + log10(z) + log1p(z) + I(x * z - 1),
  power = y ~ (f + lg + x)^2,
  nesting = y ~ f/x,
  minus_one = y ~ x - 1,
  numeric_levels = y ~ factor(big) + factor(ibig),
  constant_covariate = y ~ x + const,
  duplicated_covariate = y ~ x + x2 + f,
  offset = y ~ x + offset(log(z)),
  factor_within = y ~ f + f:lg,
  no_intercept_three = y ~ 0 + x + f + lg,
  as_factor_times = y ~ as.factor(h) * x,
  in_operator = y ~ x %in% f,
  minus_interaction = y ~ -1 + f:x + lg,
  power_minus = y ~ (f + lg)^2 - f:lg + x:lg,
  reordered_interaction = y ~ lg:f + f,
  three_way = y ~ f * lg * x
)

random_cases <- list(
  correlated_slope = y ~ x + (1 + x | g),
  uncorrelated = y ~ x + (x || g),
  nested = y ~ 1 + (1 | g/h),
  crossed = y ~ x + (1 | g) + (1 | h),
  crossed_reordered = y ~ x + (1 | h) + (1 | g),
  factor_all_levels = y ~ (0 + f | g),
  factor_uncorrelated = y ~ (f || g),
  interaction_group = y ~ (1 | g:h),
  tie_order = y ~ (1 | h) + (x || g),
  logical_slope = y ~ factor(period) + (1 + lg | g),
  nested_three = y ~ (1 | f/lg/h),
  numeric_group = y ~ (1 | big) + (1 | period) + (1 | ibig),
  slope_interaction = y ~ (0 + x:f | h),
  cbpp_like = cbind(s, m - s) ~ factor(period) + (1 | h)
)

fmt <- function(m) { m <- as.matrix(m); out <- matrix(sprintf("%.17g", m), nrow = nrow(m)); colnames(out) <- colnames(m); out }
write_matrix <- function(m, name) write.csv(fmt(m), file.path(here, name), row.names = FALSE, quote = TRUE)

rank_message <- function(expr) {
  msg <- character(0)
  val <- withCallingHandlers(expr, message = function(m) { msg <<- c(msg, conditionMessage(m)); invokeRestart("muffleMessage") })
  list(value = val, message = sub("\n$", "", msg))
}

cases <- list()
for (nm in names(fixed_cases)) {
  f <- fixed_cases[[nm]]
  X0 <- model.matrix(f, model.frame(f, d))
  r <- rank_message(lme4:::chkRank.drop.cols(X0, "message+drop.cols"))
  write_matrix(r$value, paste0("X_", nm, ".csv"))
  cases[[length(cases) + 1]] <- list(name = nm, formula = paste(deparse(f, width.cutoff = 500), collapse = ""),
                                     columns = I(colnames(r$value)), rank_message = I(r$message), random = FALSE)
}
ctrl <- lmerControl(check.nobs.vs.nlev = "ignore", check.nobs.vs.rankZ = "ignore",
                    check.nobs.vs.nRE = "ignore", check.nlev.gtr.1 = "ignore", check.rankX = "message+drop.cols")
for (nm in names(random_cases)) {
  f <- random_cases[[nm]]
  r <- rank_message(if (nm == "cbpp_like") glFormula(f, d, family = binomial, control = glmerControl(check.nobs.vs.nlev = "ignore", check.nobs.vs.rankZ = "ignore", check.nobs.vs.nRE = "ignore", check.nlev.gtr.1 = "ignore")) else lFormula(f, d, control = ctrl))
  lf <- r$value
  rt <- lf$reTrms
  write_matrix(lf$X, paste0("X_", nm, ".csv"))
  write_matrix(t(as.matrix(rt$Zt)), paste0("Z_", nm, ".csv"))
  L <- rt$Lambdat; L@x <- as.numeric(rt$Lind)
  write_matrix(t(as.matrix(L)), paste0("Lambda_", nm, ".csv"))
  terms <- lapply(seq_along(rt$cnms), function(i) {
    grp <- names(rt$cnms)[i]
    list(group = grp, columns = I(rt$cnms[[i]]), levels = I(levels(rt$flist[[attr(rt$flist, "assign")[i]]])))
  })
  cases[[length(cases) + 1]] <- list(name = nm, formula = paste(deparse(f, width.cutoff = 500), collapse = ""),
                                     columns = I(colnames(lf$X)), rank_message = I(r$message), random = TRUE,
                                     terms = terms, theta = I(rt$theta), nl = I(unname(rt$nl)), Gp = I(rt$Gp))
}
write(toJSON(cases, auto_unbox = TRUE, pretty = TRUE, digits = NA), file.path(here, "design_cases.json"))

# as.character() of doubles: magnitudes from 1e-300 to 1e300, rounded and integral values.
set.seed(7)
v <- c(0, 1, -1, 0.1, 0.1 + 0.2, 1/3, 2/3, 100, 1e5, 123456, 1e15, 1e16, 1e-5, 1e-4, 0.0001234,
       99999.99999999999, 123456789012.5, 1234567890123456, 2^53, 1e100, 1e-100, 1.5e-300, 5e-324,
       .Machine$double.xmax, 95, 2.5, 0.5, 1e22, 1e21, 123456789, 1234567890, 0.1234567890123456,
       10^runif(200, -20, 20) * sample(c(-1, 1), 200, TRUE),
       round(10^runif(100, -6, 8), sample(0:8, 100, TRUE)),
       round(runif(100, -1e6, 1e6)), signif(rnorm(100), sample(1:16, 100, TRUE)))
write.csv(data.frame(value = sprintf("%.17g", v), r = as.character(v)), file.path(here, "numbers.csv"),
          row.names = FALSE, quote = TRUE)
cat("wrote", length(cases), "cases to", here, "\n")
