# Reference log densities for the family unit tests (tests/unit/test_families.cpp).
# Run from this folder: Rscript make_densities.R   (R 4.2.2; writes densities.csv)
# Each row: family, y, weight (trials for binomial), mu, pi (zero probability), the family
# parameters in the order of Family::parameters() (theta: nb2's theta, nb1's and beta's phi,
# gamma's shape, zoib's phi; param2, param3: zoib's zoi and coi), logp.
rows <- list()
add <- function(family, y, w, mu, pi, theta, logp, param2 = NA, param3 = NA) {
  rows[[length(rows) + 1]] <<- data.frame(family = family, y = y, weight = w, mu = mu, pi = pi,
                                          theta = theta, logp = logp, param2 = param2, param3 = param3)
}
# binomial: y is the proportion of successes, weight the number of trials (R's glm convention)
for (n in c(1, 5, 20)) for (s in unique(c(0, 1, floor(n / 2), n))) for (mu in c(0.03, 0.4, 0.9))
  add("binomial", s / n, n, mu, 0, NA, dbinom(s, n, mu, log = TRUE))
for (y in c(0, 1, 3, 17)) for (mu in c(0.2, 2.5, 30)) {
  add("poisson", y, 1, mu, 0, NA, dpois(y, mu, log = TRUE))
  add("poisson", y, 2.5, mu, 0, NA, 2.5 * dpois(y, mu, log = TRUE))
  for (theta in c(0.5, 2, 40)) {
    add("nb2", y, 1, mu, 0, theta, dnbinom(y, size = theta, mu = mu, log = TRUE))
    for (pi in c(0.1, 0.6)) {
      # zero-inflated and hurdle (glmmTMB's zi and truncated_* families)
      zip <- if (y == 0) log(pi + (1 - pi) * dpois(0, mu)) else log(1 - pi) + dpois(y, mu, log = TRUE)
      zinb <- if (y == 0) log(pi + (1 - pi) * dnbinom(0, size = theta, mu = mu)) else
        log(1 - pi) + dnbinom(y, size = theta, mu = mu, log = TRUE)
      hp <- if (y == 0) log(pi) else log(1 - pi) + dpois(y, mu, log = TRUE) - log(1 - dpois(0, mu))
      hnb <- if (y == 0) log(pi) else log(1 - pi) + dnbinom(y, size = theta, mu = mu, log = TRUE) -
        log(1 - dnbinom(0, size = theta, mu = mu))
      add("zinb2", y, 1, mu, pi, theta, zinb)
      add("hurdle_nb2", y, 1, mu, pi, theta, hnb)
      if (theta == 2) {
        add("zip", y, 1, mu, pi, NA, zip)
        add("hurdle_poisson", y, 1, mu, pi, NA, hp)
      }
    }
  }
}
# Families of issue 7 (glmmTMB parameterisations; zoib as brms's zero_one_inflated_beta).
for (y in c(0, 1, 3, 17)) for (mu in c(0.2, 2.5, 30)) for (phi in c(0.3, 1.5, 12)) {
  # nb1 (glmmTMB nbinom1): var = mu (1 + phi), i.e. size mu / phi
  add("nb1", y, 1, mu, 0, phi, dnbinom(y, size = mu / phi, mu = mu, log = TRUE))
}
add("nb1", 4, 2.5, 3, 0, 0.8, 2.5 * dnbinom(4, size = 3 / 0.8, mu = 3, log = TRUE))
for (y in c(0.01, 0.7, 2, 15)) for (mu in c(0.3, 2, 9)) for (shape in c(0.5, 2, 30)) {
  # gamma (glmmTMB Gamma): shape, scale = mu / shape
  add("gamma", y, 1, mu, 0, shape, dgamma(y, shape = shape, scale = mu / shape, log = TRUE))
}
add("gamma", 1.3, 2.5, 2, 0, 3, 2.5 * dgamma(1.3, shape = 3, scale = 2 / 3, log = TRUE))
for (y in c(0.001, 0.2, 0.5, 0.97)) for (mu in c(0.05, 0.4, 0.9)) for (phi in c(0.8, 5, 60)) {
  # beta (glmmTMB beta_family): Beta(mu phi, (1 - mu) phi)
  add("beta", y, 1, mu, 0, phi, dbeta(y, mu * phi, (1 - mu) * phi, log = TRUE))
}
add("beta", 0.3, 2.5, 0.6, 0, 4, 2.5 * dbeta(0.3, 0.6 * 4, 0.4 * 4, log = TRUE))
# zoib, a direct implementation of brms's zero_one_inflated_beta:
#   p(0) = zoi (1 - coi), p(1) = zoi coi, f(y) = (1 - zoi) dbeta(y, mu phi, (1 - mu) phi)
dzoib <- function(y, mu, phi, zoi, coi, log = FALSE) {
  d <- ifelse(y == 0, zoi * (1 - coi), ifelse(y == 1, zoi * coi, (1 - zoi) * dbeta(y, mu * phi, (1 - mu) * phi)))
  if (log) log(d) else d
}
stopifnot(abs(integrate(function(y) dzoib(y, 0.3, 4, 0.2, 0.6), 0, 1)$value + 0.2 - 1) < 1e-6)
for (y in c(0, 1, 0.05, 0.5, 0.93)) for (mu in c(0.1, 0.6)) for (phi in c(1.2, 15))
  for (zoi in c(0.05, 0.4)) for (coi in c(0.2, 0.9))
    add("zoib", y, 1, mu, 0, phi, dzoib(y, mu, phi, zoi, coi, log = TRUE), zoi, coi)
add("zoib", 0.4, 2.5, 0.3, 0, 6, 2.5 * dzoib(0.4, 0.3, 6, 0.1, 0.5, log = TRUE), 0.1, 0.5)
add("zoib", 1, 2.5, 0.3, 0, 6, 2.5 * dzoib(1, 0.3, 6, 0.1, 0.5, log = TRUE), 0.1, 0.5)
out <- do.call(rbind, rows)
write.csv(out, "densities.csv", row.names = FALSE, na = "")
