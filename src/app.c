#include "app.h"

#include <stdlib.h>

bool app_init(App *app, Err *err)
{
    *app = (App){0};
    config_defaults(&app->cfg);
    if (!paths_init(&app->paths, err))
        return false;
    char *cfgfile = paths_get(&app->paths, DIR_CONFIG, "config.ini");
    bool ok = config_load(&app->cfg, cfgfile, err);
    free(cfgfile);
    return ok;
}

bool app_store(App *app, Store **out, Err *err)
{
    if (!app->store_ready) {
        if (!paths_ensure(&app->paths, DIR_DATA, err))
            return false;
        char *db = paths_get(&app->paths, DIR_DATA, "tide.db");
        bool ok = store_open(&app->store, db, err);
        free(db);
        if (!ok)
            return false;
        app->store_ready = true;
    }
    *out = &app->store;
    return true;
}

void app_free(App *app)
{
    if (app->store_ready)
        store_close(&app->store);
    config_free(&app->cfg);
    paths_free(&app->paths);
    *app = (App){0};
}
