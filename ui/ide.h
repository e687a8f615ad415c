/* The IDE's state, shared by the modules of ui/: the open tabs, the
 * panes and which has the focus, the prompt line, messages, the
 * clipboard, the background workers.  One Ide exists while the IDE runs;
 * it is passed explicitly. */
#ifndef TIDE_IDE_H
#define TIDE_IDE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "document.h"
#include "editor.h"
#include "keymap.h"
#include "recovery.h"
#include "search.h"
#include "session.h"
#include "term.h"
#include "worker.h"

typedef struct Ide Ide;

/* An open file: its document and view, and the bookkeeping that keeps the
 * user's work safe (recovery file, saves in flight, changes on disk). */
typedef struct Tab {
    Document *doc;
    View *view;
    int listen;
    RecoveryClaim rec;     /* the recovery file and its slot (rec.path NULL: none) */
    bool rec_written;      /* we wrote it: ours to remove */
    uint64_t rec_version;  /* buffer version it holds */
    bool rec_adopted;      /* untitled, given a crash's text to offer back */
    long long changed_ms;  /* last edit */
    bool saving;
    bool disk_noticed;     /* the user was told the file changed on disk */
    StrList run_args;      /* the program's arguments (Ctrl-F5 sets them) */
    char *run_input;       /* `< FILE` with them: its input, as typed (relative
                              to the file's folder), or NULL: the panel's keys */
    bool run_net;          /* its runs get the host's network (Alt-N in
                              Ctrl-F5's line; while the tab lives, not kept) */
    char *run_line_kept;   /* the two as the state folder keeps them for the
                              file (runline), or NULL */
    char *run_line_path;   /* the path they are kept under (the file's, unless
                              it was renamed or saved as another since) */
    Ide *ide;
} Tab;

typedef enum { FOCUS_EDITOR, FOCUS_PANEL, FOCUS_EXPLORER } Focus;
typedef enum { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_LANG, OVERLAY_HISTORY, OVERLAY_IMAGE } Overlay;

/* What to do once a save has succeeded. */
typedef enum { THEN_NOTHING, THEN_CLOSE, THEN_QUIT, THEN_RUN } AfterSave;

typedef void (*PromptSubmit)(Ide *ide, const char *text, void *ud);
typedef void (*PromptCancel)(Ide *ide, void *ud);

/* The prompt line: a question answered by one key, or a line of text. */
typedef struct Prompt {
    bool active;
    bool choice;        /* one key answers: one of `choices` */
    char label[512];
    char choices[16];
    StrBuf text;
    size_t cursor;      /* byte offset in text */
    bool fresh;         /* the text is a suggestion, replaced by typing */
    bool complete_paths;
    /* Instead, Tab completes the last word of a command line (after a
     * blank or `<`) with a name from complete_dir, escaped as argsplit
     * reads it. */
    bool complete_words;
    char complete_dir[PATH_MAX];
    PromptSubmit submit;
    PromptSubmit change; /* text edited (incremental search) */
    PromptCancel cancel;
    /* Extra keys while the prompt is open (Alt-R: regex in find);
     * returns true when it used the key. */
    bool (*key)(Ide *ide, Key k, void *ud);
    void *ud;
    /* Frees ud when the prompt goes away unanswered (another prompt
     * takes its place, tide quits): submit and cancel own it otherwise. */
    void (*drop)(void *ud);
} Prompt;

typedef struct Rect {
    int y, x, h, w;
} Rect;

typedef struct Explorer Explorer;
typedef struct Panel Panel;
typedef struct ImageView ImageView;

/* A toolchain as probed for the language selector. */
typedef struct ToolStatus {
    bool probed, available;
    char *summary; /* "Python 3.11.2", or what is missing and how to get it */
} ToolStatus;

struct Ide {
    App *app;
    Term term;
    Keymap keys;
    /* ide_key's answers: a few, so that one message can name several. */
    char key_names[4][48];
    unsigned key_name_next;
    char *root; /* the folder opened */

    Tab **tabs;
    size_t ntabs, active;

    Focus focus;
    Overlay overlay;
    int overlay_scroll;
    int overlay_sel;
    bool explorer_visible;
    Explorer *explorer;
    bool panel_visible;
    Panel *panel;
    ImageView *image; /* the picture shown (OVERLAY_IMAGE) */
    Worker *decoder;  /* decodes pictures (NULL until the first) */
    uint64_t image_token;

    Prompt prompt;

    /* language selector */
    ToolStatus tools[LANG_COUNT];
    bool probing;
    long long probe_at; /* when to probe the toolchains (0: done) */
    /* when to mark the files the folder's last run wrote (0: done) */
    long long last_run_at;
    int langsel_mode;
    Rect r_dialog;
    /* scratch sessions the new-session dialog offers to resume, most
     * recently used first */
    Session *resume;
    size_t nresume;

    /* the session runs go to: the one opened (--session, a new scratch
     * session) or, found when first needed, the folder's */
    Session *session;
    int session_hold; /* session_hold's descriptor: gc leaves it */
    Worker *probe;

    /* find and replace */
    Search search;
    bool search_on;     /* matches are highlighted */
    bool find_regex;
    size_t match_s, match_e;
    bool has_match;
    size_t find_origin; /* cursor when the find prompt opened */
    char *last_find;
    char *replace_with;
    size_t replaced;
    size_t replace_origin; /* where one-by-one replacing started */
    bool replace_wrapped;

    /* A drag that left the editor above or below: the view scrolls on
     * towards it while the button is held. */
    bool drag_scroll;
    int drag_y, drag_x;
    long long drag_next;

    char msg[512];
    bool msg_error;
    long long msg_until;
    int covered_rows;     /* the panes' rows a long message or question covered
                             at the last draw */
    bool msg_folded;      /* a key since: the message keeps to the status bar */
    bool msg_over_prompt; /* given while a prompt was open: shown above it, and
                             gone with it */

    StrBuf clipboard;
    bool clip_lines;
    CutChain cut_chain;

    Worker *io;
    int wake_fd;
    bool quitting;   /* Ctrl-Q answered: quit once the saves are done */
    bool disk_looking; /* the open files' stat is on the io worker */
    /* F5 (or Ctrl-F5) while a program runs, answered yes: that program
     * is being stopped, and this runs once it has (ACT_NONE: nothing). */
    int rerun;
    bool quit;
    bool dirty;
    bool urgent;     /* the user did something: draw at once */
    long long last_draw_ms;
    /* A keystroke's echo is on screen and the rest of the frame is due at
     * rest_at (0: nothing pending); the first such echo was at
     * echo_since. */
    long long rest_at, echo_since;
    long long last_disk_check;

    Rect r_tabs, r_explorer, r_editor, r_panel, r_status;
    bool too_small;
    RowCache rows; /* what the editor area shows (see view_draw) */
};

Tab *ide_tab(Ide *ide);
/* The tab of the file at path, or NULL. */
Tab *ide_tab_of(Ide *ide, const char *path);
void ide_message(Ide *ide, bool error, const char *fmt, ...) TIDE_FMT(3, 4);
/* The key that does a, as hints name it ("F5"; the first when it has
 * several), after the user's [keys]; for an action without a key, its
 * name and that it has none.  Valid until four more calls. */
const char *ide_key(Ide *ide, Action a);
/* text with each {action} (as [keys] names it: {run}, {stop}) replaced
 * by ide_key's answer for it, into out. */
void ide_keys_in(Ide *ide, const char *text, char *out, size_t size);
EditorEnv ide_env(Ide *ide);
/* Open path in a tab (or switch to it if it is open); a picture is
 * shown instead (imageview_open). */
bool ide_open(Ide *ide, const char *path);
/* Say that path, a file a run wrote as tide keeps it or that run's folder
 * (session_run_file: the tree's "run #N wrote"), is not what ("changed",
 * "renamed"), how to have it still (how: "Enter opens it"), and how tide
 * export copies it out. */
void ide_refuse_record(Ide *ide, const char *path, const char *what, const char *how);
/* Open the file at full (absolute) as text, whatever it holds; why (not
 * NULL) is why a picture is shown as bytes. */
bool ide_open_text(Ide *ide, const char *full, const char *why);
/* Put text in place of the file at full (absolute; opened if it is not),
 * as one change Ctrl-Z takes back; what (a result, "result #12") says
 * where it came from. */
bool ide_restore_text(Ide *ide, const char *full, const char *text, size_t len, const char *what);
void ide_save(Ide *ide, Tab *t, AfterSave then);
void ide_close_tab(Ide *ide, size_t i);
/* Set the language of the current file (NULL: plain text). */
void ide_set_language(Ide *ide, const Lang *lang);
/* Create a scratch session in lang and open it. */
void ide_new_scratch(Ide *ide, const Lang *lang);
/* Open the session s (taken over) as --session does. */
void ide_resume_session(Ide *ide, Session *s);
void ide_switch_tab(Ide *ide, size_t i);
/* Place the panes for the screen's size and what is shown. */
void ide_layout(Ide *ide);

/* ui/prompt.c */
void prompt_text(Ide *ide, const char *label, const char *initial, PromptSubmit submit, PromptSubmit change,
                 PromptCancel cancel, void *ud);
void prompt_choice(Ide *ide, const char *question, const char *choices, PromptSubmit submit,
                   PromptCancel cancel, void *ud);
/* Close the prompt unanswered (its ud dropped: see Prompt.drop). */
void prompt_close(Ide *ide);
/* Handle an event while the prompt is open; true when it used it. */
bool prompt_event(Ide *ide, const InputEvent *ev);
void prompt_draw(Ide *ide, Rect r, int *cy, int *cx);
/* The rows prompt_draw takes, its own the last (a long question wraps onto
 * the rows above it). */
int prompt_rows(const Ide *ide, int width);

/* ui/find.c */
void find_start(Ide *ide, bool replace);
void find_next(Ide *ide, bool backwards);
void goto_start(Ide *ide);
/* "42", "42:7" or "42,7" (line, column from 1) into *line and *col. */
bool goto_parse(const char *text, long *line, long *col);
void find_clear(Ide *ide);

/* ui/help.c */
void help_draw(Ide *ide);
bool help_key(Ide *ide, Key k);

/* ui/imageview.c: a picture over the whole screen, decoded in the
 * background; one that cannot be shown opens as bytes (ide_open_text),
 * saying why. */
void imageview_open(Ide *ide, const char *path);
/* The same, for several (a run's pictures), paths[at] first: Left and
 * Right go through them, passing by those that cannot be shown. */
void imageview_open_list(Ide *ide, const StrList *paths, size_t at);
void imageview_close(Ide *ide);
/* The decoder's worker: its fd to poll, its finished jobs to collect, and
 * stopping it at exit without waiting for a decode under way. */
int imageview_fd(const Ide *ide);
void imageview_collect(Ide *ide);
void imageview_stop(Ide *ide);
void imageview_draw(Ide *ide);
bool imageview_key(Ide *ide, Key k);

#endif
