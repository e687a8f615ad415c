/* A file open in the editor: its Buffer, where it lives, what the disk
 * held when it was read or last saved (so a change by another program is
 * noticed), its line ending and indentation style, and its language. */
#ifndef TIDE_DOCUMENT_H
#define TIDE_DOCUMENT_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "buffer.h"
#include "err.h"
#include "lang.h"

/* What identifies a version of a file on disk. */
typedef struct DiskStamp {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} DiskStamp;

typedef struct Document {
    Buffer *buf;
    char *path;       /* absolute; NULL for a new file not saved yet */
    DiskStamp disk;   /* at the last load or save */
    bool crlf;        /* new lines are "\r\n" */
    bool indent_tabs; /* indent with tabs, else spaces */
    const Lang *lang; /* NULL: plain text */
    bool lang_chosen; /* ... by the user (F2), not from the name or #! line */
    bool locked;      /* the text is not to be changed nor saved over (a file
                         a run wrote: tide's record of it); the editor refuses */
} Document;

/* The largest file the editor opens. */
#define DOCUMENT_MAX_SIZE ((size_t)2 << 30)

/* Open path (a missing file gives an empty document that saving creates;
 * its folder must exist).  Refuses folders, devices and files over
 * DOCUMENT_MAX_SIZE. */
bool document_open(const char *path, Document **out, Err *err);
/* An empty, unnamed document. */
Document *document_new(void);
void document_free(Document *d);
/* The file name shown in tabs: the last part of the path, or "untitled". */
const char *document_name(const Document *d);
/* A document in no language, none chosen, takes its #! line's (a script
 * typed from scratch, named without an extension); true when it did. */
bool document_take_shebang(Document *d);
/* Give the document a path (Save As): absolute, folder must exist. */
bool document_set_path(Document *d, const char *path, Err *err);

DiskStamp disk_stamp(const char *path);
bool disk_stamp_equal(const DiskStamp *a, const DiskStamp *b);
/* The file on disk is not the one read or saved last. */
bool document_disk_changed(const Document *d);
/* The file on disk is read-only: no write permission in its mode (root
 * could write it anyway; it is still someone's wish) or none for us.
 * Saving replaces the file, which its folder allows, so editors ask. */
bool document_read_only(const Document *d);
/* The file (or, not made yet, its folder) is on a file system mounted
 * read-only: no save can replace it, asked or not. */
bool document_on_read_only_mount(const Document *d);

/* Write a snapshot to path atomically (temporary file, fsync, rename,
 * fsync of the folder; the permissions of an existing file are kept).
 * Touches no Document: may run on a worker thread.  *stamp gets the new
 * file's stamp. */
bool document_write(const char *path, BufferSnapshot *snap, DiskStamp *stamp, Err *err);
/* Replace the text with the file on disk, as one undoable change, and
 * mark it saved. */
bool document_reload(Document *d, Err *err);
/* Read a whole file into a new buffer of exactly its size. */
bool document_read_file(const char *path, char **data, size_t *len, DiskStamp *stamp, Err *err);

#endif
