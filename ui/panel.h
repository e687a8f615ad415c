/* The execution panel: F5 runs the current file in its session (through
 * session_run, the code path of `tide run`), live, in a small terminal —
 * the program gets a pty in the sandbox and libvterm renders what it
 * writes, so input(), scanf, colours and \r progress bars work.  Keys typed
 * in the panel go to the program; Ctrl-C interrupts it (SIGINT; twice
 * stops it) and Shift-F5 stops it.  When the
 * run ends its result line shows status, exit code, compile and run time
 * and peak memory, and lines of the output that name a file and line
 * (compiler errors, tracebacks) are selectable: Enter jumps there.  F7
 * browses the session's earlier results, each with its code and output.
 *
 * The run happens on a thread of its own; its output reaches the UI
 * through a buffer and an eventfd and is drawn at most at the screen's
 * refresh rate, so a flood of output never delays a keystroke. */
#ifndef TIDE_PANEL_H
#define TIDE_PANEL_H

#include "ide.h"

typedef struct Panel Panel;

Panel *panel_new(void);
/* Stops a run in progress and waits for its thread. */
void panel_free(Panel *p);
/* Readable when the run has news (output, its end). */
int panel_fd(const Panel *p);
/* Take the run's news: feed the output to the terminal, finish the run. */
void panel_collect(Ide *ide);
/* Output is waiting to be fed to the terminal: call panel_collect again
 * (after reading the keys). */
bool panel_backlog(const Panel *p);
/* A pty descriptor waiting for input to be written (-1: none). */
int panel_input_fd(const Panel *p);
void panel_flush_input(Ide *ide);

bool panel_running(const Panel *p);
/* The file of the program running (or about to), for a question. */
const char *panel_running_name(const Panel *p);
/* The entry (absolute path) of the last program run (or running), when
 * path is not that entry but was built into it (a companion tide added);
 * else NULL. */
const char *panel_program_of(Panel *p, const char *path);
/* F5 pressed: show the panel at once and take the keys typed while the
 * files are saved; panel_run follows (or panel_cancel_start when a save
 * failed). */
void panel_prepare(Ide *ide, Tab *t);
void panel_cancel_start(Ide *ide);
/* Run the file of tab t (saved) in its session. */
void panel_run(Ide *ide, Tab *t);
/* Shift-F5; false when no program runs. */
bool panel_stop(Ide *ide);
/* F7: the session's earlier results. */
void panel_history(Ide *ide);

void panel_draw(Ide *ide, Rect r, bool focused, int *cy, int *cx);
/* Keys while the panel has the focus; false: not used. */
bool panel_key(Ide *ide, Key k);
/* A paste while the panel has the focus: to the program running; in
 * F7's results, refused with a word.  False when neither took it (the
 * run is over: the editor is where it goes). */
bool panel_paste(Ide *ide, const char *text, size_t len);
void panel_mouse(Ide *ide, const InputEvent *ev);
/* Text picked in the panel with the mouse (a drag), and the drag doing
 * it; panel_copy puts it on the clipboards. */
bool panel_picked(const Panel *p);
bool panel_picking(const Panel *p);
/* The picking drag at (y, x), a line further when past the text's top or
 * bottom (the text scrolls); true when it was past. */
bool panel_drag(Ide *ide, int y, int x);
void panel_copy(Ide *ide);
/* Pick everything the panel shows (Ctrl-A). */
void panel_pick_all(Ide *ide);
/* Ctrl-F in the panel: find text in the output (it becomes the picked
 * text); F3, Shift-F3: the next, the one before. */
void panel_find(Ide *ide);
void panel_find_next(Ide *ide, bool backwards);
/* The panel's title in width columns: the result (left, cut to whole
 * fields in place) and the first of the keys (hints, longest first) that
 * fits after it, two spaces apart; with hint_first, the shortest key
 * always, the result giving way.  Returns the key's columns (0: none),
 * *right the key. */
int panel_title_fit(char *left, const char *const *hints, bool hint_first, int width, const char **right);
/* "running main.py 3.2 s", "ok", ...: for the status bar (NULL: idle). */
const char *panel_state(Ide *ide, bool *error);
/* The file (absolute) whose run panel_state tells of, or NULL. */
const char *panel_state_of(Ide *ide);

#endif
