# The big files the benchmarks open, generated (never committed):
#
#   bench_c_file PATH    a C file of 1,000,000 lines, about 25 MB: small
#                        functions with comments, strings and numbers
#   bench_js_file PATH   14 MB of JavaScript on a single line, as a
#                        minifier writes it

bench_c_file() {
  python3 - "$1" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("#include <stdio.h>\n#include <stdlib.h>\n")
    n, i = 2, 0
    while n < 1000000:
        block = (
            "/* function %d: adds up its two arguments */" % i,
            "static int function_%d(int a, int b)" % i,
            "{",
            "    int total = a * %d + b + 3;" % (i % 97),
            "    if (total > 100 && b < 7)",
            '        printf("total %d, b %d\\n", total, b);',
            "    return total - a + b;",
            "}",
            "",
        )
        for line in block:
            f.write(line + "\n")
            n += 1
            if n == 1000000:
                break
        i += 1
PY
}

bench_js_file() {
  python3 - "$1" <<'PY'
import sys
parts, size, i = [], 0, 0
while size < 14 * 1024 * 1024:
    s = 'function f%d(a,b){var c=a*%d+b;if(c>10){return"s%d"+c}return[c,{k:c}]}var v%d=f%d(1,2);' % (i, i % 89, i, i, i)
    parts.append(s)
    size += len(s)
    i += 1
with open(sys.argv[1], "w") as f:
    f.write("".join(parts) + "\n")
PY
}
