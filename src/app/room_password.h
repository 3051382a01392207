/* room_password.h: where a client finds the room password: never on the
 * command line, where other users could read it in the process list. */
#pragma once

#include <glib.h>

#include "net/secure/room_auth.h"

#define ROOM_PASSWORD_ENV ROOM_AUTH_ENV

/* The room password: the first line of option_file (--password-file) if
 * given, else $LANCONF_PASSWORD if set, else the first line of
 * config_file ([client] password_file) if set; NULL with no error when
 * there is none. An unreadable file or an empty or over-long password is
 * an error that names where it came from. Free with
 * room_auth_free_password(). */
char *room_password_find(const char *option_file, const char *config_file, GError **error);

/* What a front end tells a user whose relay wants the room password. */
#define ROOM_PASSWORD_HINT                                                                         \
    "give it with --password-file FILE or the environment variable " ROOM_PASSWORD_ENV
