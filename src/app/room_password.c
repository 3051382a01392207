/* room_password.c: the room password from a file or the environment. */
#include "src/app/room_password.h"

#include "net/secure/room_auth.h"

/* Tries the option's file, the environment, then the config's file. */
char *room_password_find(const char *option_file, const char *config_file, GError **error)
{
    if (option_file != NULL) {
        char *password = room_auth_read_password_file(option_file, error);
        if (password == NULL)
            g_prefix_error(error, "--password-file: ");
        return password;
    }
    const char *env = g_getenv(ROOM_PASSWORD_ENV);
    if (env != NULL) {
        if (!room_auth_check_password(env, ROOM_PASSWORD_ENV, error))
            return NULL;
        return g_strdup(env);
    }
    if (config_file != NULL) {
        char *password = room_auth_read_password_file(config_file, error);
        if (password == NULL)
            g_prefix_error(error, "[client] password_file: ");
        return password;
    }
    return NULL;
}
