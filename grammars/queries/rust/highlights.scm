; The stock all-caps pattern ends in $' and so never matches (and the
; constructor pattern after it would win anyway): restated here, last.
((identifier) @constant
 (#match? @constant "^[A-Z][A-Z\\d_]+$"))

; Numbers as numbers, as in the other languages (the stock query makes
; them constant.builtin).
(integer_literal) @number
(float_literal) @number
