/* The theme menu (F9): the installed themes, each behind a key; the one
 * chosen applies at once and is written to config.ini ([editor] theme), so
 * it is still the theme the next time tide starts. */
#ifndef TIDE_THEME_MENU_H
#define TIDE_THEME_MENU_H

#include "ide.h"

void theme_menu_open(Ide *ide);
/* Load the configured theme at start; a problem becomes a config warning
 * (shown like the config file's own). */
void theme_menu_load_configured(Ide *ide);

#endif
