/* What every command and the TUI start from: the folders, the user's
 * config and (opened on first use) the database.  Passed explicitly; there
 * is no global instance. */
#ifndef TIDE_APP_H
#define TIDE_APP_H

#include "config.h"
#include "paths.h"
#include "store.h"

typedef struct App {
    Paths paths;
    Config cfg;
    Store store;
    bool store_ready;
} App;

/* Find the folders and read the config.  Config warnings are left in
 * app->cfg.warnings for the caller to show. */
bool app_init(App *app, Err *err);
/* The database, created and migrated on first use. */
bool app_store(App *app, Store **out, Err *err);
void app_free(App *app);

#endif
