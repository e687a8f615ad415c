/* The text of one open file, as bytes, with its line index, undo history,
 * edit notifications and cheap immutable snapshots.
 *
 * The model is a piece table.  Text lives in *sources* that are never
 * changed once written: the file as it was read (one block), and
 * append-only blocks of added text whose bytes never move.  The document is
 * an array of *pieces*, each naming a run of bytes in one source.  An edit
 * splits and replaces pieces; it never copies or changes text that is
 * already there.  That gives:
 *
 *   - opening a file costs one read and one pass to find its newlines (the
 *     line index is an array of newline positions per source, not a string
 *     per line), so a 25 MB file opens in tens of milliseconds;
 *   - bytes are kept exactly: binary files, invalid UTF-8 and CRLF line
 *     endings are saved back byte-identical where nothing was changed;
 *   - undo records name pieces, not copies of text, so undoing the deletion
 *     of 14 MB costs no more than undoing one character;
 *   - a snapshot is a reference-counted share of the piece array (copied on
 *     the next edit) plus a reference to the sources, so taking one is O(1)
 *     and reading it from another thread needs no lock.
 *
 * Offsets are byte offsets (size_t) from the start of the text.  Lines end
 * at '\n'; a '\r' before it belongs to the line.  A buffer is used from one
 * thread; snapshots from any. */
#ifndef TIDE_BUFFER_H
#define TIDE_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* A position as (row, byte column), both from 0.  Same layout as
 * tree-sitter's TSPoint, so a BufPoint can be copied field by field (or
 * with memcpy) into one. */
typedef struct BufPoint {
    uint32_t row;
    uint32_t column; /* bytes from the start of the row */
} BufPoint;

/* One change of the text, in the shape of tree-sitter's TSInputEdit: the
 * bytes [start_byte, old_end_byte) were replaced by the bytes
 * [start_byte, new_end_byte).  old_end_point is where old_end_byte was
 * before the change; new_end_point is where new_end_byte is after it.
 * An insertion has old_end == start; a deletion has new_end == start. */
typedef struct BufferEdit {
    size_t start_byte, old_end_byte, new_end_byte;
    BufPoint start_point, old_end_point, new_end_point;
} BufferEdit;

typedef struct Buffer Buffer;
typedef struct BufferSnapshot BufferSnapshot;

/* The largest text a buffer holds (sources index bytes with 32 bits, as
 * tree-sitter does). */
#define BUFFER_MAX_SIZE ((size_t)UINT32_MAX)

/* An empty buffer. */
Buffer *buffer_new(void);
/* A buffer holding data (malloc'd, len bytes, len <= BUFFER_MAX_SIZE),
 * which it takes over.  data may be NULL when len is 0. */
Buffer *buffer_new_with(char *data, size_t len);
void buffer_free(Buffer *b);

/* ---------------------------------------------------------------- reading */

size_t buffer_length(const Buffer *b);
/* Number of lines: newlines + 1 (an empty text has one empty line). */
size_t buffer_line_count(const Buffer *b);
/* Offset of the first byte of line (0-based; clamped to the last line). */
size_t buffer_line_start(const Buffer *b, size_t line);
/* Offset of the '\n' ending line, or the length for the last line. */
size_t buffer_line_end(const Buffer *b, size_t line);
/* The line holding offset (offset may equal the length). */
size_t buffer_line_of(const Buffer *b, size_t offset);
/* (row, byte column) of offset. */
BufPoint buffer_point(const Buffer *b, size_t offset);
/* The byte at offset, or -1 at or past the end.  O(log pieces): for long
 * scans use buffer_chunk. */
int buffer_byte(const Buffer *b, size_t offset);
/* The contiguous run of bytes starting at offset: returns a pointer to it
 * and sets *len (0 and a pointer to "" at the end).  Valid until the next
 * edit. */
const char *buffer_chunk(const Buffer *b, size_t offset, size_t *len);
/* The contiguous run of bytes ending at offset: returns its start and
 * sets *len (0 at offset 0).  For scanning backwards. */
const char *buffer_chunk_before(const Buffer *b, size_t offset, size_t *len);
/* Copy [start, end) into out (end - start bytes); returns the count. */
size_t buffer_copy(const Buffer *b, size_t start, size_t end, char *out);
/* [start, end) as a new NUL-terminated string; *len gets its length. */
char *buffer_dup(const Buffer *b, size_t start, size_t end, size_t *len);

/* ---------------------------------------------------------------- editing */

/* Every edit is recorded for undo and reported to the listeners.  Offsets
 * past the end are clamped. */
void buffer_insert(Buffer *b, size_t offset, const char *text, size_t len);
void buffer_delete(Buffer *b, size_t start, size_t end);
void buffer_replace(Buffer *b, size_t start, size_t end, const char *text, size_t len);

/* ---------------------------------------------------------------- undo */

/* Edits are undone in groups.  A checkpoint closes the current group: the
 * next edit starts a new one, and undoing that group puts the cursor back
 * at `cursor`.  Edits between two checkpoints (a word typed, a replace-all,
 * a paste) are undone together. */
void buffer_checkpoint(Buffer *b, size_t cursor);
/* Undo the last group; *cursor gets where the cursor was before it.
 * False when there is nothing to undo. */
bool buffer_undo(Buffer *b, size_t *cursor);
/* Redo the group undone last; *cursor gets the end of its last change. */
bool buffer_redo(Buffer *b, size_t *cursor);
bool buffer_can_undo(const Buffer *b);
bool buffer_can_redo(const Buffer *b);

/* The place of the current text in the undo history.  Two equal states
 * mean the same text; a state is never reused after its branch of history
 * is discarded. */
uint64_t buffer_state(const Buffer *b);
/* Remember state as the text on disk (after a save that wrote the text of
 * that state).  buffer_modified compares the current state with it. */
void buffer_mark_saved(Buffer *b, uint64_t state);
bool buffer_modified(const Buffer *b);
/* Forget the saved state: the text differs from the disk whatever the
 * history says (the file was deleted, or changed by someone else). */
void buffer_mark_unsaved(Buffer *b);
/* Counts every change of the text (edit, undo, redo); never goes down. */
uint64_t buffer_version(const Buffer *b);

/* ---------------------------------------------------------------- listeners */

/* Called after each change of the text (edit, undo or redo), on the
 * buffer's thread, with the text already changed.  Several listeners may
 * be registered (the view, the syntax highlighter, search marks). */
typedef void (*BufferListener)(void *ud, Buffer *b, const BufferEdit *edit);
/* Returns a handle for buffer_unlisten. */
int buffer_listen(Buffer *b, BufferListener fn, void *ud);
void buffer_unlisten(Buffer *b, int handle);

/* ---------------------------------------------------------------- snapshots */

/* The text as it is now, immutable and independent of later edits.  O(1):
 * it shares the piece array (the next edit of the buffer copies it).  A
 * snapshot may be read and released on any thread, by several threads at
 * once, and outlives the buffer. */
BufferSnapshot *buffer_snapshot(Buffer *b);
BufferSnapshot *snapshot_ref(BufferSnapshot *s);
void snapshot_unref(BufferSnapshot *s);
size_t snapshot_length(const BufferSnapshot *s);
/* buffer_version() when the snapshot was taken. */
uint64_t snapshot_version(const BufferSnapshot *s);
/* The contiguous bytes at offset (as buffer_chunk). */
const char *snapshot_chunk(const BufferSnapshot *s, size_t offset, size_t *len);
/* Shaped like tree-sitter's TSInput.read: payload is the snapshot; returns
 * the contiguous bytes at byte_offset and sets *bytes_read (0 at the end).
 * With tree-sitter:
 *
 *     static const char *read(void *p, uint32_t off, TSPoint pt, uint32_t *n)
 *     { return snapshot_read(p, off, (BufPoint){pt.row, pt.column}, n); }
 *     TSInput in = {snap, read, TSInputEncodingUTF8};
 */
const char *snapshot_read(void *snapshot, uint32_t byte_offset, BufPoint position, uint32_t *bytes_read);
size_t snapshot_copy(const BufferSnapshot *s, size_t start, size_t end, char *out);
/* The whole text as iovecs (malloc'd array; *n entries) pointing into the
 * snapshot's storage: valid while the snapshot is held.  For writing a
 * file without joining the text first. */
struct iovec *snapshot_iovecs(const BufferSnapshot *s, size_t *n);

#endif
