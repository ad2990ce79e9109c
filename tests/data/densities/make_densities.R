# Reference log densities for the family unit tests (tests/unit/test_families.cpp).
# Run from this folder: Rscript make_densities.R   (R 4.2.2; writes densities.csv)
# Each row: family, y, weight (trials for binomial), mu, pi (zero probability), theta, logp.
rows <- list()
add <- function(family, y, w, mu, pi, theta, logp) {
  rows[[length(rows) + 1]] <<- data.frame(family = family, y = y, weight = w, mu = mu, pi = pi,
                                          theta = theta, logp = logp)
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
out <- do.call(rbind, rows)
write.csv(out, "densities.csv", row.names = FALSE, na = "")
