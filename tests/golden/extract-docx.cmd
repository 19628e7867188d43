# The DOCX as text: the stamp, the citation and both numbers survive.
"$BIN/sila-unpack" corpus/beslut-sekretess.docx | "$BIN/sila-extract"
