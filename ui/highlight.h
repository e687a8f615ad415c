/* Highlighting in the editor pane: the EditorHooks (ui/editor.h) that
 * follow each open document with a SyntaxDoc (src/syntax.h) — edits from
 * the buffer's listener, snapshots from buffer_snapshot — and give the
 * visible bytes their theme styles (ui/colors.h), syntax errors their
 * error style, and the status bar the explanation of the error under the
 * cursor. */
#ifndef TIDE_HIGHLIGHT_H
#define TIDE_HIGHLIGHT_H

#include "editor.h"

extern const EditorHooks highlight_hooks;

#endif
