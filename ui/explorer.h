/* The file explorer: a tree of the open folder with folding, opening
 * files, and new / rename / delete (delete asks first).  Folders are read
 * when unfolded and re-read every few seconds while shown. */
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
void explorer_scroll(Ide *ide, long lines);
/* Read the shown folders again (files appear, disappear). */
void explorer_refresh(Ide *ide);
/* The files the last run wrote (absolute paths below dir, where the
 * session keeps them): shown at the end of the tree under label, marked. */
void explorer_set_generated(Ide *ide, const char *label, const char *dir, const StrList *paths);
/* Whether run files are shown (explorer_set_generated). */
bool explorer_has_generated(Ide *ide);
/* The same under "run #N wrote", N the run's result id. */
void explorer_set_run_files(Ide *ide, int64_t result_id, const char *dir, const StrList *paths);

#endif
