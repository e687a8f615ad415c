; Names of what is declared: the stock query colours uses, not definitions.
(class_declaration
  name: (name) @type)
(interface_declaration
  name: (name) @type)
(trait_declaration
  name: (name) @type)
(enum_declaration
  name: (name) @type)

; The stock query's constructor pattern comes before the generic method
; one, which would win: restated here, last.
(method_declaration
  name: (name) @constructor
  (#eq? @constructor "__construct"))
