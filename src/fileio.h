/* File-system operations with the care an editor owes its user: folders
 * created with the right mode, files read whole, and saves that are atomic
 * (temporary file, fsync, rename, fsync of the folder). */
#ifndef TIDE_FILEIO_H
#define TIDE_FILEIO_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "err.h"

/* mkdir -p; new folders get mode, existing ones are left as they are. */
bool fileio_mkdirs(const char *path, mode_t mode, Err *err);
/* Read a whole regular file; refuses files larger than max bytes.  The
 * buffer is NUL-terminated (not counted in *len). */
bool fileio_read(const char *path, size_t max, char **data, size_t *len, Err *err);
/* Write all len bytes to fd (again after EINTR and short writes); false
 * with errno set when it cannot. */
bool fileio_write_all(int fd, const void *data, size_t len);
/* The same from an open descriptor (a pipe, a socket, a terminal) up to its
 * end; name is what messages call it.  fd stays open. */
bool fileio_read_fd(int fd, const char *name, size_t max, char **data, size_t *len, Err *err);
/* Replace path atomically with data.  An existing file keeps its
 * permissions; a new one gets new_mode.  On failure the original is
 * untouched and no temporary file is left behind. */
bool fileio_write_atomic(const char *path, const void *data, size_t len, mode_t new_mode, Err *err);
/* The same, writing the pieces iov[0..niov) one after the other (an
 * editor's text need not be joined into one block to be saved). */
bool fileio_write_atomic_iov(const char *path, const struct iovec *iov, size_t niov, mode_t new_mode,
                             Err *err);
/* Remove a folder tree without following symlinks. */
bool fileio_rmtree(const char *path, Err *err);
/* Copy a regular file (not following a symlink at src), mode of src kept. */
bool fileio_copy(const char *src, const char *dst, size_t max, Err *err);
/* Open the folder that holds rel (a relative path) below the folder root,
 * creating missing folders when create is set.  Never follows a symlink
 * and refuses "..", so nothing outside root is reached.  *base gets the
 * last component of rel.  Returns the descriptor, or -1 with errno
 * (ENOTDIR: a folder of rel is a symlink or a file; EINVAL: rel is not a
 * plain relative name) and err. */
int fileio_open_parent_at(int root, const char *rel, bool create, const char **base, Err *err);
/* Open the regular file rel below the folder root for reading, through
 * no symlink in any part of rel (openat2's RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS where the kernel has it, else fileio_open_parent_at's
 * walk) and never anything but a regular file: a fifo, a device or a
 * socket is not opened at all (opening one acts: a writer waiting on a
 * fifo goes on, a watchdog starts).  For every path a program's run
 * named, inside a folder whose symlinks its author chose.  *st gets the
 * file's stat.  Returns the descriptor (O_NONBLOCK), or -1 with errno
 * (ELOOP: rel is a symlink; ENOTDIR: a folder of it is a symlink or a
 * file; EISDIR, EINVAL: rel is a folder, another kind) and err. */
int fileio_open_file_beneath(int root, const char *rel, struct stat *st, Err *err);
/* Bytes in the regular files below path (not following symlinks). */
long long fileio_tree_size(const char *path);
/* The last part of a path: its name without the folders (all of it when
 * it has none). */
const char *fileio_base_name(const char *path);
bool fileio_exists(const char *path);
bool fileio_is_dir(const char *path);
/* Whether folder name below dirfd is tagged as a cache (a CACHEDIR.TAG
 * with the standard's signature, as cargo's target folder is): build
 * output that backups, and tide's snapshots, leave out. */
bool fileio_is_cache_dir_at(int dirfd, const char *name);
/* A folder holding nothing (with hidden_too false: nothing but hidden
 * files); false when it cannot be read. */
bool fileio_is_empty_dir(const char *path, bool hidden_too);

#endif
