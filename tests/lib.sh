# Helpers for the scripted end-to-end tests in tests/e2e/. Each test sources
# this file, runs with the repository root as working directory and $BIN
# set to the binaries, and stops at the first failed assertion.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

fail() { echo "assertion failed: $*" >&2; exit 1; }
assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: expected '$2', got '$1'"; }
assert_contains() { grep -q -- "$2" "$1" || fail "'$1' does not contain '$2'"; }
assert_not_contains() { ! grep -q -- "$2" "$1" || fail "'$1' contains '$2'"; }
# Runs a command and records its exit status in $rc without stopping.
run() { set +e; "$@"; rc=$?; set -e; }
