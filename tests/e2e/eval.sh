# The labelled evaluation corpus (corpus/eval, docs/eval.md): precision and
# recall of every rule at least 0.99 and every document at its level.
. "$(dirname "$0")/../lib.sh"
set -e
tests/run-eval "$BIN" > "$T/eval" || { tail -40 "$T/eval"; fail "evaluation targets not met"; }
tail -1 "$T/eval"
