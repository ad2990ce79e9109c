#!/usr/bin/env bash
# Installs weft's build and test dependencies from Debian 12 packages (what each is for:
# README.md, "Dependencies"). Safe to re-run: installs only what is missing.
set -euo pipefail

packages=(
  cmake g++ make ccache
  libeigen3-dev libceres-dev libyaml-cpp-dev doctest-dev
  libboost-dev libboost-filesystem-dev libnlopt-cxx-dev liblbfgspp-dev
  nlohmann-json3-dev libcli11-dev pybind11-dev python3-dev
  libopenmpi-dev openmpi-bin
  python3-numpy python3-pandas python3-pytest python3-matplotlib
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
