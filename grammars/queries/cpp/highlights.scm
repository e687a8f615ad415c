; inherits: c
;
; C++ highlights C's patterns as well, as tree-sitter-cpp's own
; tree-sitter.json does (it names tree-sitter-c's query from node_modules,
; which the npm tarball does not carry).

(namespace_identifier) @module
((namespace_identifier) @type
 (#match? @type "^[A-Z]"))
(namespace_definition
  name: (namespace_identifier) @module)

(class_specifier
  name: (type_identifier) @type)

(number_literal) @number
(raw_string_literal) @string
(true) @constant.builtin
(false) @constant.builtin
(null) @constant.builtin
