# PDF beyond the text layer: annotations, form fields, metadata, encryption
# with and without a user password, and a page with no text layer.
"$BIN/sila" --reveal corpus/formats/pdf
