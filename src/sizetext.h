/* A size in bytes as people read it ("512 B", "1.5 KiB", "50 MiB"): one
 * rule for every place tide shows one -- tide run's result line, tide
 * result, the IDE's panel, tide gc, the snapshot's notes -- so the same
 * run shows the same figure everywhere. */
#ifndef TIDE_SIZETEXT_H
#define TIDE_SIZETEXT_H

#define SIZE_TEXT_LEN 32

/* Binary units; a whole number of a unit stays whole ("50 MiB"), anything
 * else has one decimal ("50.0 MiB" is a little over 50 MiB). */
void size_text(long long bytes, char out[SIZE_TEXT_LEN]);

#endif
