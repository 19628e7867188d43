# The record stream between the stages, body-less records only (what each stage adds).
"$BIN/sila-unpack" corpus/paket.tar.gz corpus/tom.txt | "$BIN/sila-extract" | "$BIN/sila-scan" --date 2026-11-29
