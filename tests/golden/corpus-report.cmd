# The whole chain over the sample corpus: one line per file and member.
"$BIN/sila" corpus
