#include "filetype.h"

#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

static const struct {
    const char *magic;
    size_t len, offset;
    const char *type;
} signatures[] = {
    {"\x89PNG\r\n\x1a\n", 8, 0, "image/png"},
    {"\xff\xd8\xff", 3, 0, "image/jpeg"},
    {"GIF87a", 6, 0, "image/gif"},
    {"GIF89a", 6, 0, "image/gif"},
    {"BM", 2, 0, "image/bmp"},
    {"RIFF", 4, 0, NULL}, /* WAVE or WEBP: looked at below */
    {"%PDF-", 5, 0, "application/pdf"},
    {"PK\x03\x04", 4, 0, "application/zip"},
    {"\x1f\x8b", 2, 0, "application/gzip"},
    {"BZh", 3, 0, "application/x-bzip2"},
    {"\xfd" "7zXZ\x00", 6, 0, "application/x-xz"},
    {"\x28\xb5\x2f\xfd", 4, 0, "application/zstd"},
    {"7z\xbc\xaf\x27\x1c", 6, 0, "application/x-7z-compressed"},
    {"\x7f" "ELF", 4, 0, "application/x-executable"},
    {"SQLite format 3\x00", 16, 0, "application/vnd.sqlite3"},
    {"ustar", 5, 257, "application/x-tar"},
    {"OggS", 4, 0, "audio/ogg"},
    {"fLaC", 4, 0, "audio/flac"},
    {"ID3", 3, 0, "audio/mpeg"},
    {"\x00\x00\x01\x00", 4, 0, "image/x-icon"},
    {"II*\x00", 4, 0, "image/tiff"},
    {"MM\x00*", 4, 0, "image/tiff"},
    {"\x93NUMPY", 6, 0, "application/x-npy"},
    {"\x89HDF\r\n\x1a\n", 8, 0, "application/x-hdf5"},
    {"%!PS", 4, 0, "application/postscript"},
    {"\xca\xfe\xba\xbe", 4, 0, "application/java-vm"},
    {"\x00" "asm", 4, 0, "application/wasm"},
};

static const struct {
    const char *ext, *type;
} by_name[] = {
    {".csv", "text/csv"}, {".tsv", "text/tab-separated-values"}, {".txt", "text/plain"},
    {".log", "text/plain"}, {".md", "text/markdown"}, {".json", "application/json"},
    {".jsonl", "application/jsonl"}, {".ndjson", "application/x-ndjson"}, {".xml", "application/xml"},
    {".html", "text/html"}, {".htm", "text/html"}, {".css", "text/css"}, {".svg", "image/svg+xml"},
    {".yaml", "application/yaml"}, {".yml", "application/yaml"}, {".toml", "application/toml"},
    {".ini", "text/plain"}, {".py", "text/x-python"}, {".js", "text/javascript"},
    {".mjs", "text/javascript"}, {".cjs", "text/javascript"}, {".go", "text/x-go"},
    {".c", "text/x-c"}, {".h", "text/x-c"}, {".cpp", "text/x-c++"}, {".cc", "text/x-c++"},
    {".cxx", "text/x-c++"}, {".hpp", "text/x-c++"}, {".java", "text/x-java"},
    {".php", "application/x-httpd-php"}, {".rs", "text/x-rust"}, {".f90", "text/x-fortran"},
    {".f95", "text/x-fortran"}, {".f03", "text/x-fortran"}, {".f08", "text/x-fortran"},
    {".f", "text/x-fortran"}, {".for", "text/x-fortran"}, {".sh", "text/x-shellscript"},
    {".sql", "application/sql"}, {".tex", "text/x-tex"}, {".pbm", "image/x-portable-bitmap"},
    {".pgm", "image/x-portable-graymap"}, {".ppm", "image/x-portable-pixmap"},
    {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
    {".webp", "image/webp"}, {".bmp", "image/bmp"}, {".pdf", "application/pdf"},
    {".zip", "application/zip"}, {".gz", "application/gzip"}, {".tar", "application/x-tar"},
    {".wav", "audio/wav"}, {".mp3", "audio/mpeg"}, {".npy", "application/x-npy"},
    {".parquet", "application/vnd.apache.parquet"}, {".db", "application/vnd.sqlite3"},
    {".sqlite", "application/vnd.sqlite3"},
};

/* UTF-8 text without control bytes other than white space and ESC.  A
 * character cut off by the end of the sample counts as valid. */
static bool looks_like_text(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b) ||
                c == 0x7f)
                return false;
            i++;
            continue;
        }
        size_t need = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 0;
        if (!need || c == 0xc0 || c == 0xc1 || c > 0xf4)
            return false;
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n)
                return true;
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
        }
        i += need + 1;
    }
    return true;
}

/* Netpbm: "P1".."P6" then whitespace. */
static const char *netpbm(const unsigned char *h, size_t n)
{
    if (n < 3 || h[0] != 'P' || h[1] < '1' || h[1] > '7' ||
        !(h[2] == ' ' || h[2] == '\n' || h[2] == '\r' || h[2] == '\t'))
        return NULL;
    switch (h[1]) {
    case '1': case '4': return "image/x-portable-bitmap";
    case '2': case '5': return "image/x-portable-graymap";
    case '3': case '6': return "image/x-portable-pixmap";
    default: return "image/x-portable-arbitrarymap";
    }
}

const char *filetype_from(const char *name, const unsigned char *head, size_t len)
{
    if (head && len) {
        for (size_t i = 0; i < sizeof signatures / sizeof *signatures; i++) {
            const size_t off = signatures[i].offset, l = signatures[i].len;
            if (len >= off + l && memcmp(head + off, signatures[i].magic, l) == 0) {
                if (signatures[i].type)
                    return signatures[i].type;
                if (len >= 12 && memcmp(head + 8, "WAVE", 4) == 0)
                    return "audio/wav";
                if (len >= 12 && memcmp(head + 8, "WEBP", 4) == 0)
                    return "image/webp";
            }
        }
        const char *pbm = netpbm(head, len);
        if (pbm)
            return pbm;
    }
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        for (size_t i = 0; i < sizeof by_name / sizeof *by_name; i++)
            if (strcasecmp(dot, by_name[i].ext) == 0)
                return by_name[i].type;
    if (!head || len == 0)
        return head ? "text/plain" : "application/octet-stream";
    if (len >= 5 && (memcmp(head, "<?xml", 5) == 0))
        return "application/xml";
    return looks_like_text(head, len) ? "text/plain" : "application/octet-stream";
}

char *filetype_detect_at(int root, const char *rel)
{
    unsigned char head[4096];
    ssize_t n = -1;
    struct stat st;
    int fd = fileio_open_file_beneath(root, rel, &st, NULL);
    if (fd >= 0) {
        n = read(fd, head, sizeof head);
        close(fd);
    }
    return xstrdup(filetype_from(rel, n >= 0 ? head : NULL, n > 0 ? (size_t)n : 0));
}

bool filetype_plain_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return filetype_utf8_valid(s, strlen(s));
}

bool filetype_utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        size_t need = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
                    : (c & 0xf8) == 0xf0 ? 3 : 4;
        if (need == 4 || c == 0xc0 || c == 0xc1 || c > 0xf4 || i + need >= n + (need ? 0 : 1))
            return false;
        for (size_t k = 1; k <= need; k++)
            if ((u[i + k] & 0xc0) != 0x80)
                return false;
        if (need == 2) {
            unsigned cp = ((c & 0x0fu) << 12) | ((u[i + 1] & 0x3fu) << 6) | (u[i + 2] & 0x3fu);
            if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
                return false;
        } else if (need == 3) {
            unsigned cp = ((c & 0x07u) << 18) | ((u[i + 1] & 0x3fu) << 12) |
                          ((u[i + 2] & 0x3fu) << 6) | (u[i + 3] & 0x3fu);
            if (cp < 0x10000 || cp > 0x10ffff)
                return false;
        }
        i += need + 1;
    }
    return true;
}

void filetype_utf8_lossy(const char *s, size_t len, StrBuf *out)
{
    sb_append(out, "", 0);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        bool ok = n > 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++)
            ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
        /* Overlong forms and surrogates are not text either. */
        if (ok && n == 2 && c < 0xc2)
            ok = false;
        if (ok && n == 3) {
            unsigned char c1 = (unsigned char)s[i + 1];
            ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);
        }
        if (ok && n == 4) {
            unsigned char c1 = (unsigned char)s[i + 1];
            ok = c <= 0xf4 && !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
        }
        if (!ok) {
            sb_append(out, "\xef\xbf\xbd", 3);
            i++;
        } else {
            sb_append(out, s + i, n);
            i += n;
        }
    }
}

/* The full-text index and a terminal stop at a NUL: a space keeps the
 * words on either side apart. */
void filetype_clean_text(const char *s, size_t len, StrBuf *out)
{
    size_t from = out->len;
    filetype_utf8_lossy(s, len, out);
    for (size_t i = from; i < out->len; i++)
        if (!out->data[i])
            out->data[i] = ' ';
}

bool filetype_is_text(const char *s, size_t len)
{
    StrBuf sb = {0};
    filetype_clean_text(s, len, &sb);
    bool same = sb.len == len && (len == 0 || memcmp(sb.data, s, len) == 0);
    sb_free(&sb);
    return same;
}
