/* Resolving a language's tools once rather than per run.  Finding the real
 * interpreter behind a pyenv shim, rustc's sysroot behind rustup, or just
 * asking javac for its version costs from 20 ms to half a second: the
 * answer (a ToolInfo) is kept in $XDG_CACHE_HOME/tide/tools.json, keyed by
 * the tool's path on PATH with that file's size, mtime, inode and device,
 * the same of the real executable, and, for version managers, the state
 * that picks the version (PYENV_VERSION and pyenv's version file,
 * RUSTUP_TOOLCHAIN and rustup's settings).  Any change is a miss, and a
 * miss probes again.  `tide doctor` always probes afresh. */
#ifndef TIDE_TOOLCACHE_H
#define TIDE_TOOLCACHE_H

#include "lang.h"
#include "paths.h"

/* Like lang_resolve_tool(tool, NULL, NULL, ...), through the cache.  A
 * cache that cannot be read or written only costs the probe. */
bool toolcache_resolve(const Paths *paths, const LangTool *tool, ToolInfo *out, Err *err);

#endif
