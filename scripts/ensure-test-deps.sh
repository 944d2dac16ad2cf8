#!/usr/bin/env bash
# Installs the system programs the tests drive, when they are missing, so that `pnpm test` is all
# the set-up a fresh Debian or Ubuntu machine needs. A missing program that cannot be installed
# fails the run here, loudly: the tests that need it are never skipped.
#
# The list is scripts/test-deps.txt ("EXECUTABLE DEBIAN-PACKAGE" per line); add a line to add one.
# TAPLINE_TEST_DEPS names another list (the script's own test uses it).
set -euo pipefail

list=${TAPLINE_TEST_DEPS:-"$(dirname "$0")/test-deps.txt"}
[[ -r "$list" ]] || { echo "ensure-test-deps: cannot read $list" >&2; exit 1; }

executables=()
packages=()
while read -r executable package _; do
  [[ -z "$executable" || "$executable" == \#* ]] && continue
  [[ -n "$package" ]] || { echo "ensure-test-deps: $list: \"$executable\" names no package" >&2; exit 1; }
  executables+=("$executable")
  packages+=("$package")
done <"$list"

missing=()
for i in "${!executables[@]}"; do
  [[ -x "${executables[$i]}" ]] || missing+=("${packages[$i]}")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

fail() {
  echo "ensure-test-deps: the tests need the Debian package(s): ${missing[*]}" >&2
  echo "ensure-test-deps: $1" >&2
  echo "ensure-test-deps: install them (apt-get install ${missing[*]}) and run the tests again." >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "there is no apt-get on this machine to install them with."
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null ||
    fail "installing them needs root, and sudo is not available without a password."
  sudo=(sudo -n)
fi

echo "ensure-test-deps: installing ${missing[*]} (needed by the tests)" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update || fail "apt-get update failed."
"${sudo[@]}" apt-get install -y "${missing[@]}" || fail "apt-get install failed."

for i in "${!executables[@]}"; do
  [[ -x "${executables[$i]}" ]] || fail "${packages[$i]} was installed but ${executables[$i]} is still missing."
done
