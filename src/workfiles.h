/* Files crossing the edge of a run's sandbox, always through descriptors
 * and never through a symlink a program planted: the working folder copied
 * in (where overlayfs cannot be used, or only the named files when the
 * folder is the user's home), the compile step's output copied out to the
 * build cache, and what the program created or changed copied out as
 * generated files.  Copies out happen once every process of the run is
 * gone, so nothing changes underneath them. */
#ifndef TIDE_WORKFILES_H
#define TIDE_WORKFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct GeneratedFile {
    char *path; /* relative to the working directory */
    long long size;
    char *type; /* MIME type */
} GeneratedFile;

typedef struct WorkCopy {
    size_t max_files;
    long long max_bytes;
    bool as_sandbox_uid; /* tide is root: create as SANDBOX_HOST_UID, whom the
                            scratch tmpfs's user namespace knows */
    /* Filled in: */
    size_t files;
    long long bytes;
    const char *over; /* "files" or "bytes" when that limit stopped the copy */
} WorkCopy;

/* Copy the folder src (or only the files only names, relative to it) into
 * the folder dst_fd: symlinks as symlinks, modes and times kept (so
 * untouched files are not taken for generated ones), other kinds skipped.
 * False when a limit was hit or a file could not be written. */
bool workfiles_copy_in(WorkCopy *c, const char *src, const char *const *only, int dst_fd);

/* Copy the tree at src_fd into dst_fd: folders and regular files only,
 * with one link, at most *budget bytes (lowered by what was copied). */
bool workfiles_copy_out_tree(int src_fd, int dst_fd, long long *budget);

/* Copy the file at rel (a path below src_fd, no part of it a symlink) to
 * dst_fd/name with that mode, at most max bytes. */
bool workfiles_copy_out_file(int src_fd, const char *rel, int dst_fd, const char *name, mode_t mode,
                             long long max);

/* Why files a run wrote were left out (Generated.left_why, bits). */
enum {
    GEN_LEFT_FILES = 1, /* past GENERATED_MAX_FILES */
    GEN_LEFT_BYTES = 2, /* past GENERATED_MAX_BYTES in all */
    GEN_LEFT_NAME = 4,  /* a name with control characters, or not UTF-8 */
    GEN_LEFT_COPY = 8,  /* the copy failed (a full disk) */
    GEN_LEFT_KIND = 16, /* a symlink, a second name of a file, a fifo, a socket, a device */
};
#define GENERATED_MAX_FILES 1000
#define GENERATED_MAX_BYTES (64LL << 20)

typedef struct Generated {
    GeneratedFile *files;
    size_t n;
    bool truncated;   /* more (or stranger) files than were kept */
    size_t left_out;  /* how many */
    unsigned left_why; /* GEN_LEFT_* */
    long long bytes;
} Generated;

/* One line on what was left out ("2 files the program wrote are not kept:
 * ..."), into buf. */
void workfiles_left_out_note(size_t left_out, unsigned left_why, char *buf, size_t size);

/* What a run created or changed: the regular files below layer_fd (the
 * overlay's upper layer, or /work's copy) that differ from the same path
 * in workdir (looked at through no symlink, and only when it is a
 * regular file: a fifo or a device there is never opened), sorted by
 * path, at most 1000; copied into keep_dir (at most 64 MiB in all) when
 * it is not NULL.  Symlinks, hard-linked files, devices, fifos, sockets
 * and names that are not UTF-8 text are left out. */
void workfiles_generated(int layer_fd, const char *workdir, const char *keep_dir, Generated *out);

#endif
