/* The order file managers give names: letters regardless of case, and a
 * run of digits by the number it is, so day2.py comes before day10.py. */
#ifndef TIDE_NATCMP_H
#define TIDE_NATCMP_H

/* <0, 0 or >0 as a goes before, with or after b in that order; names that
 * differ only in case or leading zeros are equal (break the tie with
 * strcmp). */
int natcmp(const char *a, const char *b);

#endif
