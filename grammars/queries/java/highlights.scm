; Escapes inside strings.
(escape_sequence) @escape
