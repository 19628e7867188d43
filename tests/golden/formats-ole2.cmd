# Legacy Office in OLE2 compound files: a Word 97-2003 document (header, table,
# footnote), an Excel workbook (two sheets, numbers as digits, an MSIP label), a
# PowerPoint presentation (three slides and notes), two password-protected files,
# and Outlook messages (bodies, attachments, an attached message) as containers.
"$BIN/sila" --reveal corpus/formats/ole2
