# Writes each benchmark model (data.csv, config.yaml) under DIR and prints "name method seconds"
# for lme4's confint(method = "profile") and confint(method = "boot", nsim = 500) (bootMer's
# parametric bootstrap, percentile intervals) on it (the glmer fit is not timed).
suppressPackageStartupMessages(library(lme4))
dir <- commandArgs(TRUE)[1]
run <- function(name, data, formula, family) {
  d <- file.path(dir, name)
  dir.create(d)
  write.csv(data, file.path(d, "data.csv"), row.names = FALSE)
  writeLines(c("data: data.csv", paste("formula:", formula), paste("family:", family)), file.path(d, "config.yaml"))
  fit <- glmer(as.formula(formula), data, get(family)())
  t <- system.time(suppressMessages(confint(fit, method = "profile")))[["elapsed"]]
  cat(name, "profile", t, "\n")
  t <- system.time(suppressWarnings(suppressMessages(confint(fit, method = "boot", nsim = 500, seed = 1))))[["elapsed"]]
  cat(name, "boot", t, "\n")
}
cb <- cbpp
cb$period <- paste0("P", cb$period)
run("cbpp", cb, "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial")
g <- grouseticks[, c("TICKS", "YEAR", "HEIGHT", "BROOD", "INDEX", "LOCATION")]
g$YEAR <- paste0("Y", g$YEAR)
g$HEIGHT <- (g$HEIGHT - mean(g$HEIGHT)) / sd(g$HEIGHT)
run("grouseticks_3re", g, "TICKS ~ YEAR + HEIGHT + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)", "poisson")
