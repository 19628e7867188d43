# Office Open XML and OpenDocument: every place a document keeps text (headers,
# footers, notes, comments, text boxes, tracked changes, cells, slides), numbers
# stored as numbers, slide numbers as pages, properties and sensitivity labels,
# and a damaged zip read as far as it goes.
"$BIN/sila" --reveal corpus/formats/office
