/* cli_files.h: lanconf-cli's files: --send-file FILE [--to NICK] and
 * --accept-files DIR, with progress on stderr (net/client/files.h). */
#pragma once

#include "net/client/files.h"

typedef struct {
    char **send;      /* --send-file FILE, repeatable */
    char *to;         /* --to NICK; NULL: every member */
    char *via;        /* --via auto|relay|direct */
    char *accept_dir; /* --accept-files DIR */
    char *max_size;   /* --max-file-size SIZE */
    char *rate;       /* --file-rate SIZE (per second) */
    char *media_rate; /* --file-rate-with-media SIZE (per second; 0: none) */
    gboolean overwrite;
    gint count; /* --files N: with --accept-files, exit after N files; before the
                 * check CLI_FILES_COUNT_UNSET when not given, after it 0 */
    /* Parsed by cli_files_options_check(). */
    guint8 ways;
    guint64 max_bytes;
    guint64 rate_bytes;
    double media_rate_bytes; /* 0: the default; negative: none */
} LcCliFilesOptions;

/* What LcCliFilesOptions.count holds before parsing: not given. */
#define CLI_FILES_COUNT_UNSET G_MININT

typedef struct _LcCliFiles LcCliFiles;

/* The "files" option group (--help-files); fills options. */
GOptionGroup *cli_files_group_new(LcCliFilesOptions *options);
/* Checks the options together (and the folder): FALSE with an error that
 * names the flag. */
gboolean cli_files_options_check(LcCliFilesOptions *options, GError **error);
/* Whether any file is sent or taken. */
gboolean cli_files_options_any(const LcCliFilesOptions *options);
void cli_files_options_clear(LcCliFilesOptions *options);

/* Called whenever the files may be done (cli_files_is_done()). */
typedef void (*LcCliFilesDoneFunc)(gpointer user_data);

/* Starts sending (each file offered once joined) and taking files. */
LcCliFiles *cli_files_new(LcSession *session, const LcCliFilesOptions *options,
                          LcCliFilesDoneFunc done, gpointer user_data, GError **error);
/* Every file sent has been taken or refused by everyone it went to, and
 * --files N received (when given). */
gboolean cli_files_is_done(LcCliFiles *cli_files);
/* Whether there is still something to wait for (files in flight). */
gboolean cli_files_is_waiting(LcCliFiles *cli_files);
/* 1 when a transfer failed, else 0. */
int cli_files_get_status(LcCliFiles *cli_files);
void cli_files_free(LcCliFiles *cli_files);
