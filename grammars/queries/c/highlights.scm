; Literals the stock query leaves plain.

(escape_sequence) @escape
(true) @constant.builtin
(false) @constant.builtin
(null) @constant.builtin
(char_literal) @string
