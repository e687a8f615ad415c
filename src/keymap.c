#include "keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "textnav.h"
#include "xalloc.h"

static const struct {
    const char *name;
    Key key;
} key_names[] = {
    {"Up", TK_UP},         {"Down", TK_DOWN},       {"Left", TK_LEFT},     {"Right", TK_RIGHT},
    {"Home", TK_HOME},     {"End", TK_END},         {"PageUp", TK_PGUP},   {"PgUp", TK_PGUP},
    {"PageDown", TK_PGDN}, {"PgDn", TK_PGDN},       {"Insert", TK_INSERT}, {"Ins", TK_INSERT},
    {"Delete", TK_DELETE}, {"Del", TK_DELETE},      {"Backspace", TK_BACKSPACE},
    {"Tab", TK_TAB},       {"Enter", TK_ENTER},     {"Return", TK_ENTER},  {"Esc", TK_ESC},
    {"Escape", TK_ESC},    {"Space", ' '},
};

static const struct {
    const char *name;
    Key mod;
} mod_names[] = {
    {"Ctrl", TK_CTRL}, {"Control", TK_CTRL}, {"C", TK_CTRL}, {"Alt", TK_ALT},
    {"Meta", TK_ALT},  {"M", TK_ALT},        {"Shift", TK_SHIFT}, {"S", TK_SHIFT},
};

static bool parse_base(const char *s, size_t len, Key *out)
{
    for (size_t i = 0; i < sizeof key_names / sizeof *key_names; i++)
        if (strlen(key_names[i].name) == len && !strncasecmp(s, key_names[i].name, len))
            return *out = key_names[i].key, true;
    if ((s[0] == 'F' || s[0] == 'f') && len >= 2 && len <= 3) {
        int n = 0;
        for (size_t i = 1; i < len; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            n = n * 10 + (s[i] - '0');
        }
        if (n < 1 || n > 12)
            return false;
        return *out = TK_F(n), true;
    }
    uint32_t cp;
    if (textnav_utf8_decode((const unsigned char *)s, len, &cp) == (int)len && cp != UTF8_INVALID && cp > ' ') {
        *out = cp;
        return true;
    }
    return false;
}

bool key_parse(const char *s, Key *out)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n == 0)
        return false;
    Key mods = 0;
    /* Modifiers are the words before the last '-' or '+' (a key named
     * "-" or "+" itself is the last character). */
    size_t start = 0;
    for (;;) {
        size_t i = start;
        while (i < n && s[i] != '-' && s[i] != '+')
            i++;
        if (i >= n - 1 || i == start)
            break;
        size_t m;
        for (m = 0; m < sizeof mod_names / sizeof *mod_names; m++)
            if (strlen(mod_names[m].name) == i - start && !strncasecmp(s + start, mod_names[m].name, i - start))
                break;
        if (m == sizeof mod_names / sizeof *mod_names)
            return false;
        mods |= mod_names[m].mod;
        start = i + 1;
    }
    Key base;
    if (!parse_base(s + start, n - start, &base))
        return false;
    if (base < TK_SPECIAL) {
        if (base >= 'A' && base <= 'Z' && (mods & (TK_CTRL | TK_ALT)))
            base += 'a' - 'A'; /* Ctrl-S is Ctrl-s: terminals cannot tell */
        if (mods == TK_SHIFT)
            return false; /* Shift-a is just 'A' */
        if ((mods & TK_CTRL) && !(base >= 'a' && base <= 'z') && !strchr(" /\\]^", (int)base))
            return false; /* terminals send no other Ctrl-characters */
    }
    *out = base | mods;
    return true;
}

const char *key_label(Key k, char *buf, size_t size)
{
    Key base = TK_BASE(k);
    char b[16];
    const char *bn = NULL;
    if (base >= TK_F1 && base <= TK_F12) {
        snprintf(b, sizeof b, "F%u", base - TK_F1 + 1);
        bn = b;
    } else if (base == ' ') {
        bn = "Space";
    } else if (base >= TK_SPECIAL) {
        for (size_t i = 0; i < sizeof key_names / sizeof *key_names && !bn; i++)
            if (key_names[i].key == base)
                bn = key_names[i].name;
        if (!bn)
            bn = "?";
    } else {
        int len = textnav_utf8_encode(base >= 'a' && base <= 'z' && (k & (TK_CTRL | TK_ALT)) ? base - 32 : base, b);
        b[len] = '\0';
        bn = b;
    }
    snprintf(buf, size, "%s%s%s%s", k & TK_CTRL ? "Ctrl-" : "", k & TK_ALT ? "Alt-" : "",
             k & TK_SHIFT ? "Shift-" : "", bn);
    return buf;
}

static const struct ActionInfo {
    const char *name, *help;
    const char *keys[3];
} actions[ACT_COUNT] = {
    [ACT_NONE] = {"none", "", {NULL}},
    [ACT_SAVE] = {"save", "save the file", {"Ctrl-S"}},
    [ACT_SAVE_AS] = {"save_as", "save the file under another name", {"Alt-S"}},
    [ACT_QUIT] = {"quit", "quit (asks about a run, unsaved changes)", {"Ctrl-Q"}},
    [ACT_OPEN] = {"open", "open a file", {"Ctrl-O"}},
    [ACT_NEW] = {"new", "new file in a new tab", {"Ctrl-N"}},
    [ACT_CLOSE] = {"close", "close the tab", {"Ctrl-W"}},
    [ACT_UNDO] = {"undo", "undo", {"Ctrl-Z"}},
    [ACT_REDO] = {"redo", "redo", {"Ctrl-Y"}},
    [ACT_FIND] = {"find", "find (plain or regex)", {"Ctrl-F"}},
    [ACT_FIND_NEXT] = {"find_next", "find the next match", {"F3"}},
    [ACT_FIND_PREV] = {"find_prev", "find the previous match", {"Shift-F3"}},
    [ACT_REPLACE] = {"replace", "find and replace", {"Ctrl-R"}},
    [ACT_GOTO] = {"goto", "go to line[:column]", {"Ctrl-G"}},
    [ACT_COPY] = {"copy", "copy the selection (or the line)", {"Ctrl-C"}},
    [ACT_CUT] = {"cut", "cut the selection (or the line)", {"Ctrl-X"}},
    [ACT_PASTE] = {"paste", "paste", {"Ctrl-V"}},
    [ACT_SELECT_ALL] = {"select_all", "select all", {"Ctrl-A"}},
    [ACT_CUT_LINE] = {"cut_line", "cut the line (cut again at once: added to it)", {"Ctrl-K"}},
    [ACT_DUPLICATE_LINE] = {"duplicate_line", "duplicate the line or selection", {"Ctrl-D"}},
    [ACT_COMMENT] = {"comment", "comment or uncomment the line (or selected lines)", {"Ctrl-/", "Alt-/"}},
    [ACT_MOVE_LINE_UP] = {"move_line_up", "move the line (or selected lines) up", {"Alt-Up"}},
    [ACT_MOVE_LINE_DOWN] = {"move_line_down", "move the line (or selected lines) down", {"Alt-Down"}},
    [ACT_HELP] = {"help", "show the keys", {"F1"}},
    [ACT_THEME] = {"theme", "choose the colour theme", {"F9"}},
    [ACT_LANGUAGE] = {"language", "choose the language of the file", {"F2"}},
    [ACT_RUN] = {"run", "save and run the file", {"F5"}},
    [ACT_RUN_ARGS] = {"run_args", "run with arguments, < FILE as input, Alt-N there: network (asked; F5 then keeps them)", {"Ctrl-F5", "Alt-F5"}},
    [ACT_STOP] = {"stop", "stop the run (Ctrl-C in the panel interrupts it)", {"Shift-F5"}},
    [ACT_NEXT_PANE] = {"next_pane", "next pane: editor, panel, explorer", {"F6"}},
    [ACT_HISTORY] = {"history", "earlier results of the session", {"F7"}},
    [ACT_EXPLORER] = {"explorer", "show or hide the file explorer", {"Ctrl-E", "F8"}},
    [ACT_NEXT_TAB] = {"next_tab", "next tab", {"Ctrl-PageDown", "Alt-Right"}},
    [ACT_PREV_TAB] = {"prev_tab", "previous tab", {"Ctrl-PageUp", "Alt-Left"}},
    [ACT_NEW_SESSION] = {"new_session", "new scratch session in a language you choose", {"Alt-N"}},
    [ACT_PANEL] = {"panel", "show or hide the run panel", {"F4"}},
};

const char *action_name(Action a)
{
    return a < ACT_COUNT ? actions[a].name : "?";
}

const char *action_help(Action a)
{
    return a < ACT_COUNT ? actions[a].help : "";
}

Action action_by_name(const char *name)
{
    for (int a = 1; a < ACT_COUNT; a++)
        if (!strcasecmp(actions[a].name, name))
            return (Action)a;
    return ACT_NONE;
}

/* The bindings kept keep their order: an action's first key (the first
 * a [keys] line gives) is the one hints name. */
static void unbind_where(Keymap *km, Key k, Action a)
{
    size_t kept = 0;
    for (size_t i = 0; i < km->n; i++)
        if (km->map[i].key != k && km->map[i].action != a)
            km->map[kept++] = km->map[i];
    km->n = kept;
}

static void unbind_key(Keymap *km, Key k)
{
    unbind_where(km, k, ACT_NONE);
}

static void unbind_action(Keymap *km, Action a)
{
    unbind_where(km, TK_NONE, a); /* (a key no binding has) */
}

static bool bind(Keymap *km, Key k, Action a)
{
    unbind_key(km, k);
    if (km->n == KEYMAP_MAX)
        return false;
    km->map[km->n].key = k;
    km->map[km->n].action = a;
    km->n++;
    return true;
}

void keymap_defaults(Keymap *km)
{
    km->n = 0;
    for (int a = 1; a < ACT_COUNT; a++)
        for (int i = 0; i < 3 && actions[a].keys[i]; i++) {
            Key k;
            if (key_parse(actions[a].keys[i], &k))
                bind(km, k, (Action)a);
        }
}

static char *all_action_names(void)
{
    StrBuf sb = {0};
    for (int a = 1; a < ACT_COUNT; a++)
        sb_printf(&sb, "%s%s", a > 1 ? ", " : "", actions[a].name);
    return sb_steal(&sb);
}

static bool has_key(const Keymap *km, Action a)
{
    for (size_t i = 0; i < km->n; i++)
        if (km->map[i].action == a)
            return true;
    return false;
}

/* A keymap with no way out leaves the user only killing the terminal
 * (their unsaved edits then wait in recovery files): quit keeps a key. */
static void keep_a_quit_key(Keymap *km, Config *cfg, int line)
{
    if (has_key(km, ACT_QUIT))
        return;
    static const char *const fallback[] = {"Ctrl-Q", "F10", "Ctrl-Shift-Q"};
    Key k = 0;
    for (size_t i = 0; i < sizeof fallback / sizeof *fallback; i++) {
        if (key_parse(fallback[i], &k) && keymap_lookup(km, k) == ACT_NONE)
            break;
    }
    bind(km, k, ACT_QUIT);
    char name[32];
    config_note(cfg, line, "this leaves quit without a key: it is on %s (write quit = KEY in [keys] to choose)",
                key_label(k, name, sizeof name));
}

void keymap_apply(Keymap *km, Config *cfg)
{
    int quit_lost = 0; /* the line that took quit's last key */
    for (size_t i = 0; i < cfg->nkeys; i++) {
        const KeyBinding *kb = &cfg->keys[i];
        Action a = action_by_name(kb->action);
        if (a == ACT_NONE) {
            char *names = all_action_names();
            config_warn(cfg, kb->line, "unknown action '%s' in [keys] (one of %s); ignored", kb->action, names);
            free(names);
            continue;
        }
        Key keys[8];
        size_t nk = 0;
        bool ok = true, none = false;
        char *list = xstrdup(kb->key);
        for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ')
                tok++;
            if (!strcasecmp(tok, "none")) {
                none = true;
                continue;
            }
            if (nk == 8 || !key_parse(tok, &keys[nk])) {
                config_warn(cfg, kb->line,
                            "cannot read the key '%s' for %s (write keys like Ctrl-S, Alt-X, F5, Shift-F5, "
                            "Ctrl-Shift-Left; several separated by commas); ignored",
                            tok, kb->action);
                ok = false;
                break;
            }
            nk++;
        }
        free(list);
        if (!ok)
            continue;
        if (nk == 0 && !none) {
            config_warn(cfg, kb->line, "no key given for %s (write 'none' to unbind it); ignored", kb->action);
            continue;
        }
        bool had_quit = has_key(km, ACT_QUIT);
        unbind_action(km, a);
        for (size_t k = 0; k < nk; k++)
            bind(km, keys[k], a);
        if (had_quit && !has_key(km, ACT_QUIT))
            quit_lost = kb->line;
    }
    if (quit_lost)
        keep_a_quit_key(km, cfg, quit_lost);
}

Action keymap_lookup(const Keymap *km, Key k)
{
    for (size_t i = 0; i < km->n; i++)
        if (km->map[i].key == k)
            return km->map[i].action;
    return ACT_NONE;
}

const char *keymap_key_of(const Keymap *km, Action a, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < km->n; i++)
        if (km->map[i].action == a)
            return key_label(km->map[i].key, buf, size);
    return buf;
}

const char *keymap_keys_of(const Keymap *km, Action a, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < km->n; i++) {
        if (km->map[i].action != a)
            continue;
        char name[32];
        key_label(km->map[i].key, name, sizeof name);
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
    return buf;
}
