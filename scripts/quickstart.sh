#!/usr/bin/env bash
# The README's first command: install dependencies, build weft (Release, into build/) and
# fit the quickstart model (lme4's cbpp data, configs/cbpp.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
build/weft fit configs/cbpp.yaml
