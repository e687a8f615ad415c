/* The file explorer: a tree of the open folder with folding, opening
 * files, and new / rename / delete (delete asks first).  Folders are read
 * when unfolded and re-read every few seconds while shown (that look on
 * the io worker). */
#ifndef TIDE_EXPLORER_H
#define TIDE_EXPLORER_H

#include "ide.h"

Explorer *explorer_new(const char *root);
void explorer_free(Explorer *e);
void explorer_draw(Ide *ide, Rect r, bool focused);
/* Where the terminal cursor goes when the explorer has the focus. */
void explorer_cursor(Ide *ide, int *cy, int *cx);
bool explorer_key(Ide *ide, Key k);
void explorer_click(Ide *ide, int y, int clicks);
/* The wheel: the view scrolls, the selection stays where it is. */
void explorer_scroll(Ide *ide, long lines);
/* Read the shown folders again (files appear, disappear), now. */
void explorer_refresh(Ide *ide);
/* The same in three steps, so that the disk is read off the UI thread:
 * begin notes the open folders (UI thread), run reads those changed since
 * (any thread: it touches only the look), apply puts what was read in the
 * tree (UI thread; a folder read, folded or gone meanwhile is left as it
 * is). */
typedef struct ExplorerLook ExplorerLook;
ExplorerLook *explorer_look_begin(const Ide *ide);
void explorer_look_run(ExplorerLook *l);
void explorer_look_apply(Ide *ide, ExplorerLook *l);
void explorer_look_free(ExplorerLook *l);
/* The files the last run wrote (absolute paths below dir, where the
 * session keeps them): shown at the end of the tree under label, marked. */
void explorer_set_generated(Ide *ide, const char *label, const char *dir, const StrList *paths);
/* Whether run files are shown (explorer_set_generated). */
bool explorer_has_generated(Ide *ide);
/* The same under "run #N wrote", N the run's result id. */
void explorer_set_run_files(Ide *ide, int64_t result_id, const char *dir, const StrList *paths);

#endif
