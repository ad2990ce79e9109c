## Simulation recovery of the ordinal family (tests/reference/recovery/ordinal_symmetric):
## a cumulative loglog model with symmetric thresholds (6 levels: central, spacing.1,
## spacing.2), 100 groups x 30 rows, simulated from the latent variable; check_recovery.py
## requires every estimate within `z` standard errors of the truth.  Sourced by make_all.R;
## on its own, from the repository root:
##     Rscript -e 'source("tests/reference/R/helpers.R"); source("tests/reference/R/recovery_ordinal.R")'
local({
  dir <- file.path("tests", "reference", "recovery", "ordinal_symmetric")
  if (dir.exists(dir)) unlink(dir, recursive = TRUE)
  dir.create(dir, recursive = TRUE)
  truth <- list(beta = c(x = 0.9, trtB = -0.5), sd_g = 0.7, central = 0.4, spacing = c(0.9, 2.1))
  theta <- truth$central + c(-rev(truth$spacing), 0, truth$spacing)  # ordinal's symmetric tJac (5 thresholds)
  set.seed(4141)
  ng <- 100; m <- 30
  gi <- rep(seq_len(ng), each = m)
  x <- round(rnorm(ng * m), 3)
  trt <- sample(c("A", "B"), ng * m, replace = TRUE)
  u <- rnorm(ng, 0, truth$sd_g)
  eta <- truth$beta[["x"]] * x + truth$beta[["trtB"]] * (trt == "B") + u[gi]
  ## P(Y <= j) = F(theta_j - eta) with F the loglog link's exp(-exp(-x)): latent eta + e, e ~ F
  latent <- eta + ordinal::qgumbel(runif(ng * m))
  y <- 1L + vapply(latent, function(l) sum(l > theta), integer(1))
  df <- data.frame(y = y, x = x, trt = trt, g = sprintf("g%03d", gi))
  write.csv(df, file.path(dir, "data.csv"), row.names = FALSE)
  writeLines(c("data: data.csv", "formula: y ~ x + trt + (1 | g)",
               "family: {name: ordinal, thresholds: symmetric}", "link: loglog"),
             file.path(dir, "config.yaml"))
  write_json_file(list(
    description = sprintf("ordinal (loglog, symmetric thresholds) simulated in R (%s): %d groups x %d rows, seed 4141 (tests/reference/R/recovery_ordinal.R)",
                          paste(R.version$major, R.version$minor, sep = "."), ng, m),
    z = 4,
    fixef = named(c(x = truth$beta[["x"]], trtB = truth$beta[["trtB"]])),
    family_parameters = list(central = truth$central, spacing.1 = truth$spacing[1], spacing.2 = truth$spacing[2]),
    random_sd = list(g = truth$sd_g),
    random_sd_se = truth$sd_g / sqrt(2 * ng),
    note = paste("fixef and family parameters: |estimate - truth| <= z * se (weft's se, family_parameters_se);",
                 "random sd: |estimate - truth| <= z * random_sd_se (sd / sqrt(2 * groups), the large-sample se)")),
    file.path(dir, "truth.json"))
  cat(sprintf("%-28s nobs %4d  levels %s\n", "recovery/ordinal_symmetric", nrow(df), paste(sort(unique(y)), collapse = " ")))
})
