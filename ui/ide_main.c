/* tide-ide: the IDE's own program.  `tide`, `tide PATH` and
 * `tide --session ID` check their arguments and start it (see
 * src/ide_launch.h); run by hand it takes the same arguments. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "tui.h"
#include "xalloc.h"

/* The IDE takes the user's character type (curses and the editor's widths
 * need it) and shows text as UTF-8 whatever it says: under "C" or POSIX,
 * C.UTF-8 when the system has it.  (The commands stay in the "C" locale:
 * they pass bytes through and print numbers and dates in fixed forms.) */
static void utf8_ctype(void)
{
    const char *ctype = setlocale(LC_CTYPE, "");
    if (ctype && (strstr(ctype, "UTF-8") || strstr(ctype, "utf8")))
        return;
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.utf8");
}

int main(int argc, char **argv)
{
    xalloc_init();
    TuiOptions opt = {NULL, NULL, 0, 0};
    if (argc == 3 && strcmp(argv[1], "--session") == 0 && argv[2][0]) {
        opt.session = argv[2];
    } else if (argc == 3 && tui_parse_place(argv[1], &opt.line, &opt.col)) {
        opt.path = argv[2];
    } else if (argc == 2 && strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0) {
        opt.path = argv[1];
    } else if (argc != 1) {
        fprintf(stderr, "usage: tide-ide [[+LINE[:COL]] PATH] | tide-ide --session ID (or use tide, see tide --help)\n");
        return EXIT_USAGE;
    }
    utf8_ctype();
    App app;
    if (!cli_app_init(&app))
        return EXIT_FAIL;
    int rc = tui_main(&app, &opt);
    /* An IDE user may never run tide run: what expired goes from here too,
     * once the terminal is the shell's again. */
    if (rc == 0)
        cli_daily_gc(&app, true);
    app_free(&app);
    return rc;
}
