# E-mail: plain and multipart messages, a forwarded message, an mbox, a damaged
# message and a password-protected attachment, each part a member of its mail.
"$BIN/sila" --reveal corpus/formats/mail
