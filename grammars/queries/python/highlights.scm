; A method call: the stock query's `(attribute attribute: ...) @property`
; comes after its call pattern and would win.
(call
  function: (attribute
    attribute: (identifier) @function.method))

(class_definition
  name: (identifier) @type)

; A docstring: the first statement of a module, class or function body.
(module . (expression_statement (string) @comment.documentation))
(block . (expression_statement (string) @comment.documentation))
