/* libgit2, opened the first time tide needs it (a session's snapshot,
 * history, diff or checkout) rather than linked.  Linked, it loads at every
 * start of tide together with the dozen libraries it depends on (Kerberos,
 * OpenSSL, libssh2, mbed TLS, ...): measured, that was most of tide's own
 * start-up (13.0 ms of `tide --version` against 6.2 ms without, a bare
 * program 2.3 ms), paid by every `tide run --ephemeral`, `tide --version`
 * and TUI start that never touches git.
 *
 * vcs.c calls libgit2 through `gitlib.FUNCTION(...)`; the table below lists
 * every function it uses. */
#ifndef TIDE_GITLIB_H
#define TIDE_GITLIB_H

#include <git2.h>
#include <stdbool.h>

#include "err.h"

#define GITLIB_FUNCTIONS(X) \
    X(git_blob_free) \
    X(git_blob_lookup) \
    X(git_blob_rawcontent) \
    X(git_blob_rawsize) \
    X(git_buf_dispose) \
    X(git_commit_create) \
    X(git_commit_free) \
    X(git_commit_lookup) \
    X(git_commit_parent_id) \
    X(git_commit_parentcount) \
    X(git_commit_time) \
    X(git_commit_tree) \
    X(git_commit_tree_id) \
    X(git_config_free) \
    X(git_config_get_path) \
    X(git_config_set_bool) \
    X(git_config_set_string) \
    X(git_diff_free) \
    X(git_diff_get_delta) \
    X(git_diff_num_deltas) \
    X(git_diff_options_init) \
    X(git_diff_print) \
    X(git_diff_tree_to_tree) \
    X(git_error_last) \
    X(git_ignore_path_is_ignored) \
    X(git_index_add_from_buffer) \
    X(git_index_clear) \
    X(git_index_entrycount) \
    X(git_index_free) \
    X(git_index_get_byindex) \
    X(git_index_get_bypath) \
    X(git_index_remove_bypath) \
    X(git_index_write) \
    X(git_index_write_tree) \
    X(git_libgit2_init) \
    X(git_libgit2_version) \
    X(git_odb_free) \
    X(git_odb_read_header) \
    X(git_oid_equal) \
    X(git_oid_fromstr) \
    X(git_oid_tostr) \
    X(git_patch_free) \
    X(git_patch_from_buffers) \
    X(git_patch_to_buf) \
    X(git_reference_create) \
    X(git_reference_free) \
    X(git_reference_lookup) \
    X(git_reference_name_to_id) \
    X(git_reference_symbolic_target) \
    X(git_reference_type) \
    X(git_repository_config) \
    X(git_repository_free) \
    X(git_repository_index) \
    X(git_repository_init_ext) \
    X(git_repository_init_options_init) \
    X(git_repository_odb) \
    X(git_repository_open_bare) \
    X(git_repository_set_workdir) \
    X(git_signature_free) \
    X(git_signature_now) \
    X(git_tree_entry_byindex) \
    X(git_tree_entry_byname) \
    X(git_tree_entry_bypath) \
    X(git_tree_entrycount) \
    X(git_tree_entry_filemode) \
    X(git_tree_entry_free) \
    X(git_tree_entry_id) \
    X(git_tree_entry_name) \
    X(git_tree_entry_type) \
    X(git_tree_free) \
    X(git_tree_lookup) \
    X(git_tree_walk)

#define GITLIB_MEMBER(f) __typeof__(f) *f;
struct GitLib {
    GITLIB_FUNCTIONS(GITLIB_MEMBER)
};
#undef GITLIB_MEMBER

/* Filled by gitlib_load; a process has one libgit2. */
extern struct GitLib gitlib;

/* Open libgit2 (once; later calls only report how that went).  False, with
 * a message saying what is missing, when it cannot be opened. */
bool gitlib_load(Err *err);
/* The name opened (the soname, such as libgit2.so.1.5). */
const char *gitlib_name(void);

#endif
