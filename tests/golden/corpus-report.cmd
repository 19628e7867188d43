# The whole chain over the sample corpus's top level: one line per file and
# member (corpus/eval and corpus/formats have tests of their own).
"$BIN/sila" $(find corpus -maxdepth 1 -type f | LC_ALL=C sort)
