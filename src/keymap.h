/* Keys as the IDE sees them, their names ("Ctrl-S", "Shift-F5"), the
 * actions keys can be bound to, and the binding table with the user's
 * [keys] section applied.  No curses here: ui/term.c turns the terminal's
 * input into Keys. */
#ifndef TIDE_KEYMAP_H
#define TIDE_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* A key: a Unicode code point for text, or one of TK_* (above Unicode),
 * with modifier bits.  Ctrl-letters are TK_CTRL | 'a'..'z' (lower case). */
typedef uint32_t Key;

#define TK_SHIFT 0x01000000u
#define TK_CTRL 0x02000000u
#define TK_ALT 0x04000000u
#define TK_MODS (TK_SHIFT | TK_CTRL | TK_ALT)
#define TK_BASE(k) ((k) & ~TK_MODS)

enum {
    TK_SPECIAL = 0x200000u,
    TK_UP = TK_SPECIAL,
    TK_DOWN,
    TK_LEFT,
    TK_RIGHT,
    TK_HOME,
    TK_END,
    TK_PGUP,
    TK_PGDN,
    TK_INSERT,
    TK_DELETE,
    TK_BACKSPACE,
    TK_TAB,
    TK_ENTER,
    TK_ESC,
    TK_F1,
    TK_F12 = TK_F1 + 11,
    /* Not keys a user binds: what the terminal layer reports besides. */
    TK_MOUSE,
    TK_RESIZE,
    TK_PASTE, /* a bracketed paste: the text comes separately */
    TK_NONE
};
#define TK_F(n) (TK_F1 + (n) - 1)

/* Parse "Ctrl-S", "ctrl+shift+left", "F5", "Alt-x", "Shift-F5", "Esc"...
 * False if s names no key. */
bool key_parse(const char *s, Key *out);
/* The canonical name of a key ("Ctrl-S"); buf of at least 32 bytes. */
const char *key_label(Key k, char *buf, size_t size);

typedef enum {
    ACT_NONE,
    ACT_SAVE,
    ACT_SAVE_AS,
    ACT_QUIT,
    ACT_OPEN,
    ACT_NEW,
    ACT_CLOSE,
    ACT_UNDO,
    ACT_REDO,
    ACT_FIND,
    ACT_FIND_NEXT,
    ACT_FIND_PREV,
    ACT_REPLACE,
    ACT_GOTO,
    ACT_COPY,
    ACT_CUT,
    ACT_PASTE,
    ACT_SELECT_ALL,
    ACT_CUT_LINE,
    ACT_DUPLICATE_LINE,
    ACT_COMMENT,
    ACT_MOVE_LINE_UP,
    ACT_MOVE_LINE_DOWN,
    ACT_HELP,
    ACT_THEME,
    ACT_LANGUAGE,
    ACT_RUN,
    ACT_RUN_ARGS,
    ACT_STOP,
    ACT_NEXT_PANE,
    ACT_HISTORY,
    ACT_EXPLORER,
    ACT_NEXT_TAB,
    ACT_PREV_TAB,
    ACT_NEW_SESSION,
    ACT_PANEL,
    ACT_COUNT
} Action;

/* The action's name in the config ("save") and its one-line description. */
const char *action_name(Action a);
const char *action_help(Action a);
Action action_by_name(const char *name);

#define KEYMAP_MAX 128

typedef struct Keymap {
    struct {
        Key key;
        Action action;
    } map[KEYMAP_MAX];
    size_t n;
} Keymap;

void keymap_defaults(Keymap *km);
/* Apply the config's [keys] lines: `action = Key[, Key...]` replaces the
 * action's keys ("none" unbinds it); a key taken from another action
 * leaves it.  Bad lines become config warnings (file:line) and are
 * ignored. */
void keymap_apply(Keymap *km, Config *cfg);
Action keymap_lookup(const Keymap *km, Key k);
/* "Ctrl-S" or "Ctrl-Y, Ctrl-Shift-Z" or "" for the keys of an action. */
const char *keymap_keys_of(const Keymap *km, Action a, char *buf, size_t size);
/* The first of them, or "" when the action has no key. */
const char *keymap_key_of(const Keymap *km, Action a, char *buf, size_t size);

#endif
