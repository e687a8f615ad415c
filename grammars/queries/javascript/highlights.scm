; Class names where they are declared.
(class_declaration
  name: (identifier) @type)
