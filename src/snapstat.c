#include "snapstat.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <nettle/sha1.h>

#include "fileio.h"

#define RECORD_NAME "tide-unchanged"
#define RECORD_MAX (32 << 20)
#define MAGIC "tide-unchanged 1"

/* Paths and notes go on one line, their spaces, controls and '%' as %XX. */
static void esc(StrBuf *sb, const char *s)
{
    if (!*s) {
        sb_puts(sb, "%");
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p == '%' || *p == 0x7f)
            sb_printf(sb, "%%%02X", *p);
        else
            sb_append(sb, p, 1);
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* In place; false for a malformed field. */
static bool unesc(char *s)
{
    if (!strcmp(s, "%")) {
        *s = '\0';
        return true;
    }
    char *out = s;
    for (const char *p = s; *p; p++) {
        if (*p != '%') {
            *out++ = *p;
            continue;
        }
        int hi = hexval(p[1]), lo = hi >= 0 ? hexval(p[2]) : -1;
        if (lo < 0 || (hi == 0 && lo == 0))
            return false;
        *out++ = (char)(hi * 16 + lo);
        p += 2;
    }
    *out = '\0';
    return true;
}

void snapstat_begin(StrBuf *rec, const char *key, const struct timespec *start)
{
    sb_puts(rec, "key ");
    esc(rec, key);
    sb_printf(rec, "\nstart %lld %ld\n", (long long)start->tv_sec, start->tv_nsec);
}

void snapstat_stat(StrBuf *rec, int kind, const char *path, const struct stat *st)
{
    sb_printf(rec, "S %c ", kind);
    esc(rec, path);
    sb_printf(rec, " %ju %ju %u %lld %lld %ld %lld %ld\n", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
              (unsigned)st->st_mode, (long long)st->st_size, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
              (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

void snapstat_absent(StrBuf *rec, const char *path)
{
    sb_puts(rec, "A ");
    esc(rec, path);
    sb_puts(rec, "\n");
}

void snapstat_note(StrBuf *rec, const char *note)
{
    sb_puts(rec, "N ");
    esc(rec, note);
    sb_puts(rec, "\n");
}

/* ---------------------------------------------------------------- the branch */

static char *read_small(const char *path, size_t max)
{
    char *data;
    size_t len;
    return fileio_read(path, max, &data, &len, NULL) ? data : NULL;
}

/* HEAD's text and, when it names a branch, the branch's file's text: what
 * the record says the branch was.  False when they cannot be read or the
 * branch is not a plain loose ref (packed: the full snapshot reads it). */
static bool branch_state(const char *git_dir, char **head, char **ref_text)
{
    *ref_text = NULL;
    char *path = xasprintf("%s/HEAD", git_dir);
    *head = read_small(path, 256);
    free(path);
    if (!*head)
        return false;
    if (strncmp(*head, "ref: refs/heads/", 16) != 0)
        return true; /* detached: HEAD holds the commit itself */
    size_t n = strcspn(*head + 5, "\n");
    char *name = xstrndup(*head + 5, n);
    bool sane = !strstr(name, "..") && (*head)[5 + n] == '\n' && !(*head)[6 + n];
    if (sane) {
        path = xasprintf("%s/%s", git_dir, name);
        *ref_text = read_small(path, 128);
        free(path);
    }
    free(name);
    return *ref_text != NULL;
}

static bool names_commit(const char *head, const char *ref_text, const char *commit)
{
    const char *text = ref_text ? ref_text : head;
    return strlen(commit) == VCS_OID_LEN && !strncmp(text, commit, VCS_OID_LEN) && !strcmp(text + VCS_OID_LEN, "\n");
}

static char *boot_id(void)
{
    char *id = read_small("/proc/sys/kernel/random/boot_id", 64);
    if (id)
        id[strcspn(id, "\n")] = '\0';
    if (id && !*id) {
        free(id);
        id = NULL;
    }
    return id;
}

/* The record's own checksum (its end line), so that damage to it (a
 * disk's, a hand's) means a full snapshot, never a wrong file list. */
static void digest_hex(const char *data, size_t len, char out[2 * SHA1_DIGEST_SIZE + 1])
{
    struct sha1_ctx ctx;
    uint8_t d[SHA1_DIGEST_SIZE];
    sha1_init(&ctx);
    sha1_update(&ctx, len, (const uint8_t *)data);
    sha1_digest(&ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* ---------------------------------------------------------------- writing */

void snapstat_forget(const char *git_dir)
{
    char *path = xasprintf("%s/" RECORD_NAME, git_dir);
    (void)unlink(path);
    free(path);
}

bool snapstat_write(const char *git_dir, const char *rec, const VcsSnapshot *snap, const char *commit)
{
    char *boot = boot_id(), *head = NULL, *ref_text = NULL;
    bool ok = boot && branch_state(git_dir, &head, &ref_text) && names_commit(head, ref_text, commit);
    if (!ok) {
        free(boot);
        free(head);
        free(ref_text);
        snapstat_forget(git_dir);
        return false;
    }
    StrBuf sb = {0};
    sb_puts(&sb, MAGIC "\nboot ");
    esc(&sb, boot);
    sb_puts(&sb, "\nhead ");
    esc(&sb, head);
    sb_puts(&sb, "\nref ");
    esc(&sb, ref_text ? ref_text : "");
    sb_printf(&sb, "\ncommit %s\ntree %s\n", commit, snap->tree);
    sb_puts(&sb, rec);
    for (size_t i = 0; i < snap->nfiles; i++) {
        const VcsFile *f = &snap->files[i];
        sb_puts(&sb, "F ");
        esc(&sb, f->path);
        sb_printf(&sb, " %s %lld %d %d\n", f->oid, f->size, f->executable, f->symlink);
    }
    size_t lines = 0;
    for (size_t i = 0; i < sb.len; i++)
        lines += sb.data[i] == '\n';
    char sum[2 * SHA1_DIGEST_SIZE + 1];
    digest_hex(sb.data, sb.len, sum);
    sb_printf(&sb, "end %zu %s\n", lines, sum);
    free(boot);
    free(head);
    free(ref_text);

    char *tmp = xasprintf("%s/" RECORD_NAME ".tmp", git_dir);
    char *path = xasprintf("%s/" RECORD_NAME, git_dir);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    ok = fd >= 0;
    if (fd >= 0) {
        ok = fileio_write_all(fd, sb.data, sb.len);
        ok = close(fd) == 0 && ok;
    }
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        (void)unlink(tmp);
        (void)unlink(path);
    }
    free(tmp);
    free(path);
    sb_free(&sb);
    return ok;
}

/* ---------------------------------------------------------------- checking */

static bool same_stat(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_mode == b->st_mode &&
           a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
           a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The fields of a line, split at spaces (in place). */
static size_t fields(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (n == max)
            return max + 1;
        f[n++] = tok;
    }
    return n;
}

static bool parse_ll(const char *s, long long *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return *s && !*end && !errno;
}

static bool parse_ull(const char *s, unsigned long long *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 10);
    return *s && *s != '-' && !*end && !errno;
}

/* Whether a recorded time is more than slack seconds before the walk's
 * start (slack negative: before it at all). */
static bool old_enough(long long sec, long long nsec, const struct timespec *start, int slack)
{
    long long limit = (long long)start->tv_sec - (slack > 0 ? slack : 0);
    return sec < limit || (sec == limit && nsec < start->tv_nsec);
}

/* An S line's path is as recorded now, and its times are old enough to
 * be trusted. */
static bool stat_line_holds(char **f, size_t n, int workfd, const struct timespec *start, int slack)
{
    if (n != 11 || strlen(f[1]) != 1 || !unesc(f[2]))
        return false;
    unsigned long long dev, ino, mode;
    long long size, ms, mns, cs, cns;
    if (!parse_ull(f[3], &dev) || !parse_ull(f[4], &ino) || !parse_ull(f[5], &mode) || !parse_ll(f[6], &size) ||
        !parse_ll(f[7], &ms) || !parse_ll(f[8], &mns) || !parse_ll(f[9], &cs) || !parse_ll(f[10], &cns))
        return false;
    if (!old_enough(ms, mns, start, slack) || !old_enough(cs, cns, start, slack))
        return false;
    struct stat want = {.st_dev = (dev_t)dev, .st_ino = (ino_t)ino, .st_mode = (mode_t)mode, .st_size = (off_t)size};
    want.st_mtim.tv_sec = (time_t)ms;
    want.st_mtim.tv_nsec = (long)mns;
    want.st_ctim.tv_sec = (time_t)cs;
    want.st_ctim.tv_nsec = (long)cns;
    const char *path = f[2];
    struct stat now;
    int rc;
    switch (f[1][0]) {
    case SNAPSTAT_FOLDER:
    case SNAPSTAT_FILE:
        rc = *path ? fstatat(workfd, path, &now, AT_SYMLINK_NOFOLLOW) : fstat(workfd, &now);
        break;
    case SNAPSTAT_IGNORE:
        rc = fstatat(workfd, path, &now, 0);
        break;
    case SNAPSTAT_OUTSIDE:
        rc = path[0] == '/' ? stat(path, &now) : -1;
        break;
    default:
        return false;
    }
    return rc == 0 && same_stat(&want, &now);
}

static bool absent_holds(char *path, int workfd)
{
    if (!unesc(path) || !*path)
        return false;
    struct stat st;
    int rc = path[0] == '/' ? stat(path, &st) : fstatat(workfd, path, &st, AT_SYMLINK_NOFOLLOW);
    return rc != 0 && errno == ENOENT;
}

static bool is_oid(const char *s)
{
    if (strlen(s) != VCS_OID_LEN)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

static bool file_line(char **f, size_t n, VcsSnapshot *snap, size_t *cap)
{
    long long size;
    if (n != 6 || !unesc(f[1]) || !*f[1] || !is_oid(f[2]) || !parse_ll(f[3], &size) || size < 0 ||
        (strcmp(f[4], "0") && strcmp(f[4], "1")) || (strcmp(f[5], "0") && strcmp(f[5], "1")))
        return false;
    if (snap->nfiles == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        snap->files = xreallocarray(snap->files, *cap, sizeof *snap->files);
    }
    VcsFile *vf = &snap->files[snap->nfiles++];
    *vf = (VcsFile){.path = xstrdup(f[1]), .size = size, .executable = f[4][0] == '1', .symlink = f[5][0] == '1'};
    memcpy(vf->oid, f[2], VCS_OID_LEN + 1);
    snap->bytes += size;
    return true;
}

/* The header's value for name on line, unescaped; NULL when it is not. */
static char *header(char *line, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(line, name, n) != 0 || line[n] != ' ')
        return NULL;
    char *v = line + n + 1;
    return unesc(v) ? v : NULL;
}

static bool check_lines(char **lines, size_t nlines, const char *git_dir, int workfd, const char *key,
                        int slack, VcsSnapshot *snap)
{
    /* MAGIC, boot, head, ref, commit, tree, key, start, ..., end */
    if (nlines < 9 || strcmp(lines[0], MAGIC) != 0)
        return false;
    char *ef[3];
    long long count;
    if (fields(lines[nlines - 1], ef, 3) != 3 || strcmp(ef[0], "end") != 0 || !parse_ll(ef[1], &count) ||
        count != (long long)nlines - 1)
        return false;
    char *boot = header(lines[1], "boot"), *head = header(lines[2], "head"), *ref = header(lines[3], "ref");
    char *commit = header(lines[4], "commit"), *tree = header(lines[5], "tree"), *k = header(lines[6], "key");
    long long sec = 0, nsec = 0;
    char *sf[3];
    bool start_ok = !strncmp(lines[7], "start ", 6) && fields(lines[7], sf, 3) == 3 && parse_ll(sf[1], &sec) &&
                    parse_ll(sf[2], &nsec) && nsec >= 0 && nsec < 1000000000;
    if (!boot || !head || !ref || !commit || !tree || !k || !start_ok || !is_oid(commit) || !is_oid(tree) ||
        strcmp(k, key) != 0)
        return false;
    struct timespec start = {.tv_sec = (time_t)sec, .tv_nsec = (long)nsec};

    char *now_boot = boot_id(), *now_head = NULL, *now_ref = NULL;
    bool ok = now_boot && !strcmp(now_boot, boot) && branch_state(git_dir, &now_head, &now_ref) &&
              !strcmp(now_head, head) && !strcmp(now_ref ? now_ref : "", ref) &&
              names_commit(now_head, now_ref, commit);
    free(now_boot);
    free(now_head);
    free(now_ref);
    if (!ok)
        return false;

    size_t cap = 0;
    for (size_t i = 8; ok && i < nlines - 1; i++) {
        char *f[12];
        size_t n = fields(lines[i], f, 12);
        if (n == 0 || n > 12) {
            ok = false;
        } else if (!strcmp(f[0], "S")) {
            ok = stat_line_holds(f, n, workfd, &start, slack);
        } else if (!strcmp(f[0], "A")) {
            ok = n == 2 && absent_holds(f[1], workfd);
        } else if (!strcmp(f[0], "F")) {
            ok = file_line(f, n, snap, &cap);
        } else if (!strcmp(f[0], "N")) {
            ok = n == 2 && unesc(f[1]);
            if (ok)
                sl_push(&snap->notes, f[1]);
        } else {
            ok = false;
        }
    }
    if (!ok)
        return false;
    memcpy(snap->tree, tree, VCS_OID_LEN + 1);
    memcpy(snap->parent, commit, VCS_OID_LEN + 1);
    snap->changed = false;
    snap->reused = true;
    return true;
}

bool snapstat_check(const char *git_dir, const char *workdir, const char *key, int racy_seconds,
                    VcsSnapshot *snap)
{
    *snap = (VcsSnapshot){0};
    char *path = xasprintf("%s/" RECORD_NAME, git_dir);
    char *text = read_small(path, RECORD_MAX);
    free(path);
    if (!text)
        return false;
    /* The end line: "end LINES SUM", SUM that of everything before it. */
    size_t len = strlen(text);
    char *endl = len > 1 ? memrchr(text, '\n', len - 1) : NULL;
    char *last = endl ? endl + 1 : text;
    char sum[2 * SHA1_DIGEST_SIZE + 1];
    digest_hex(text, (size_t)(last - text), sum);
    const char *got = strrchr(last, ' ');
    if (!got || strncmp(got + 1, sum, sizeof sum - 1) != 0 || strcmp(got + sizeof sum, "\n") != 0) {
        free(text);
        return false;
    }
    int workfd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    size_t nlines = 0, cap = 0;
    char **lines = NULL;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        if (!nl)
            break; /* cut short: the end line is missing */
        *nl = '\0';
        if (nlines == cap) {
            cap = cap ? cap * 2 : 64;
            lines = xreallocarray(lines, cap, sizeof *lines);
        }
        lines[nlines++] = p;
        p = nl + 1;
    }
    int slack = racy_seconds == 0 ? SNAPSTAT_RACY_SECONDS : racy_seconds;
    bool ok = workfd >= 0 && check_lines(lines, nlines, git_dir, workfd, key, slack, snap);
    if (workfd >= 0)
        close(workfd);
    free(lines);
    free(text);
    if (!ok)
        vcs_snapshot_free(snap);
    return ok;
}
