/* cli_files.c: lanconf-cli's files: options, offers made once joined,
 * progress and outcomes on stderr (cli_files.h). */
#include "src/app/cli_files.h"

#include "core/byte_size.h"
#include "net/files/file_name.h"
#include "src/app/cli_format.h"

#include <glib/gstdio.h>
#include <unistd.h>

#define CLI_FILES_LINE_MS 2000 /* progress lines when stderr is not a terminal */
#define CLI_FILES_BAR     24

struct _LcCliFiles {
    LcSession *session;
    LcFiles *files;
    LcCliFilesOptions options;
    LcCliFilesDoneFunc done;
    gpointer user_data;
    guint sending;  /* offers not over */
    guint received; /* files received whole */
    int status;
    gboolean tty;
    gboolean bar_shown; /* a progress bar is on the terminal's last line */
    gint64 line_us;     /* the last progress line (not a terminal) */
};

/* The "files" group. */
GOptionGroup *cli_files_group_new(LcCliFilesOptions *o)
{
    GOptionEntry entries[] = {
        {"send-file", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->send,
         "Offer FILE to the room (or to --to NICK) and exit once everyone it went to has taken "
         "or refused it (repeat for more files)",
         "FILE"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &o->to, "With --send-file: offer it to NICK only",
         "NICK"},
        {"via", 0, 0, G_OPTION_ARG_STRING, &o->via,
         "How files travel: direct (from this client's own port), relay (through the relay), "
         "swarm (to the room: receivers trade the chunks, the sender uploads each about once), "
         "or auto (default: a swarm to the room, else direct where the receiver can reach it, "
         "else through the relay)",
         "auto|relay|direct|swarm"},
        {"accept-files", 0, 0, G_OPTION_ARG_FILENAME, &o->accept_dir,
         "Take every file offered into DIR (written as NAME.lanconf-part until whole and "
         "checked; an existing NAME is never replaced without --overwrite)",
         "DIR"},
        {"files", 0, 0, G_OPTION_ARG_INT, &o->count,
         "With --accept-files: exit 0 once N files have arrived whole", "N"},
        {"max-file-size", 0, 0, G_OPTION_ARG_STRING, &o->max_size,
         "With --accept-files: refuse files larger than SIZE (as 500M or 2G; default: no limit)",
         "SIZE"},
        {"overwrite", 0, 0, G_OPTION_ARG_NONE, &o->overwrite,
         "With --accept-files: replace a file of the same name", NULL},
        {"file-rate", 0, 0, G_OPTION_ARG_STRING, &o->rate,
         "With --send-file: send each transfer at most SIZE bytes a second (as 5M)", "SIZE"},
        {"file-rate-with-media", 0, 0, G_OPTION_ARG_STRING, &o->media_rate,
         "With --send-file: while the room has a camera or a voice on, send each transfer at "
         "most SIZE bytes a second (default 4M; 0: no such limit)",
         "SIZE"},
        G_OPTION_ENTRY_NULL};
    GOptionGroup *group = g_option_group_new("files", "Files: sending and taking them",
                                             "Show the files options", NULL, NULL);
    g_option_group_add_entries(group, entries);
    return group;
}

/* Checks the options and parses sizes and the way. */
gboolean cli_files_options_check(LcCliFilesOptions *o, GError **error)
{
    gboolean sending = o->send != NULL && o->send[0] != NULL;
    const char *need_send = sending         ? NULL
                            : o->to         ? "--to"
                            : o->rate       ? "--file-rate"
                            : o->media_rate ? "--file-rate-with-media"
                                            : NULL;
    const char *need_accept = o->accept_dir                       ? NULL
                              : o->count != CLI_FILES_COUNT_UNSET ? "--files"
                              : o->max_size                       ? "--max-file-size"
                              : o->overwrite                      ? "--overwrite"
                                                                  : NULL;
    if (need_send || need_accept) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s goes with %s",
                    need_send ? need_send : need_accept,
                    need_send ? "--send-file FILE" : "--accept-files DIR");
        return FALSE;
    }
    if (o->count != CLI_FILES_COUNT_UNSET && o->count < 1) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--files: give a count of 1 or more");
        return FALSE;
    }
    if (o->count == CLI_FILES_COUNT_UNSET)
        o->count = 0;
    o->ways = WIRE_FILE_WAYS_ALL;
    if (o->via != NULL && g_strcmp0(o->via, "relay") == 0)
        o->ways = WIRE_FILE_WAY_RELAY;
    else if (o->via != NULL && g_strcmp0(o->via, "direct") == 0)
        o->ways = WIRE_FILE_WAY_DIRECT;
    else if (o->via != NULL && g_strcmp0(o->via, "swarm") == 0)
        o->ways = WIRE_FILE_WAY_SWARM;
    else if (o->via != NULL && g_strcmp0(o->via, "auto") != 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--via: '%s' is not auto, relay, direct or swarm", o->via);
        return FALSE;
    }
    if (o->ways == WIRE_FILE_WAY_SWARM && o->to != NULL) {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--via swarm is for a file to the room: leave --to out");
        return FALSE;
    }
    if (o->max_size != NULL && !byte_size_parse(o->max_size, &o->max_bytes, error)) {
        g_prefix_error(error, "--max-file-size: ");
        return FALSE;
    }
    if (o->rate != NULL &&
        (!byte_size_parse(o->rate, &o->rate_bytes, error) || o->rate_bytes == 0)) {
        if (error != NULL && *error == NULL)
            g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                "a rate of 0 sends nothing");
        g_prefix_error(error, "--file-rate: ");
        return FALSE;
    }
    guint64 media = 0;
    if (o->media_rate != NULL && !byte_size_parse(o->media_rate, &media, error)) {
        g_prefix_error(error, "--file-rate-with-media: ");
        return FALSE;
    }
    o->media_rate_bytes = o->media_rate == NULL ? 0 : media == 0 ? -1 : (double)media;
    for (guint i = 0; sending && o->send[i] != NULL; i++) {
        if (!g_file_test(o->send[i], G_FILE_TEST_IS_REGULAR)) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--send-file: %s is not a file that can be read", o->send[i]);
            return FALSE;
        }
    }
    if (o->accept_dir != NULL && (!g_file_test(o->accept_dir, G_FILE_TEST_IS_DIR) ||
                                  g_access(o->accept_dir, W_OK | X_OK) != 0)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--accept-files: %s is not a folder this user can write to", o->accept_dir);
        return FALSE;
    }
    return TRUE;
}

gboolean cli_files_options_any(const LcCliFilesOptions *o)
{
    return (o->send != NULL && o->send[0] != NULL) || o->accept_dir != NULL;
}

void cli_files_options_clear(LcCliFilesOptions *o)
{
    g_clear_pointer(&o->send, g_strfreev);
    g_clear_pointer(&o->to, g_free);
    g_clear_pointer(&o->via, g_free);
    g_clear_pointer(&o->accept_dir, g_free);
    g_clear_pointer(&o->max_size, g_free);
    g_clear_pointer(&o->rate, g_free);
    g_clear_pointer(&o->media_rate, g_free);
}

/* Clears the progress bar's line before another line is printed. */
static void cli_files_clear_bar(LcCliFiles *cf)
{
    if (cf->bar_shown)
        fprintf(stderr, "\r\033[K");
    cf->bar_shown = FALSE;
}

/* A transfer moved: a bar on a terminal, else a line now and then. */
static void cli_files_on_progress(LcFiles *files, const LcFilesProgress *p, gpointer data)
{
    LcCliFiles *cf = data;
    gint64 now = g_get_monotonic_time();
    if (!cf->tty && now - cf->line_us < CLI_FILES_LINE_MS * 1000)
        return;
    cf->line_us = now;
    g_autofree char *line = files_format_progress(p, cf->tty ? CLI_FILES_BAR : 0);
    g_autofree char *safe = g_strdup(line);
    g_strdelimit(safe, "\r\n\033", '?');
    if (cf->tty) {
        fprintf(stderr, "\r\033[K%s %s", p->sending ? "sending" : "receiving", safe);
        cf->bar_shown = TRUE;
        fflush(stderr);
    } else {
        cli_print_remote(stderr, "lanconf-cli: %s %s", p->sending ? "sending" : "receiving", line);
    }
}

/* An offer to this client that is not taken at once (no --accept-files):
 * it is turned down, with what to do. */
static void cli_files_on_offered(LcFiles *files, const LcFilesProgress *p, gpointer data)
{
    LcCliFiles *cf = data;
    cli_files_clear_bar(cf);
    g_autofree char *size = byte_size_format((double)p->size);
    cli_print_remote(stderr,
                     "lanconf-cli: %s offers %s (%s): turned down; --accept-files DIR takes files",
                     p->nick, p->name, size);
    files_reject(files, p->id);
}

/* One transfer ended. */
static void cli_files_on_finished(LcFiles *files, const LcFilesProgress *p, const GError *error,
                                  gpointer data)
{
    LcCliFiles *cf = data;
    cli_files_clear_bar(cf);
    g_autofree char *size = byte_size_format((double)p->size);
    if (error != NULL) {
        gboolean exists = g_error_matches(error, LC_FILE_ERROR, FILE_ERROR_EXISTS);
        cli_print_error(&cf->status, "%s %s %s: %s%s", p->name, p->sending ? "to" : "from", p->nick,
                        error->message, exists ? "; --overwrite replaces it" : "");
    } else if (p->sending) {
        cli_print_remote(stderr, "lanconf-cli: sent %s to %s: %s, SHA-256 checked by %s%s%s%s",
                         p->name, p->nick, size, p->nick, p->way ? " (" : "",
                         files_way_name(p->way), p->way ? ")" : "");
    } else {
        cf->received++;
        cli_print_remote(stderr, "lanconf-cli: received %s from %s: %s in %s, SHA-256 checked",
                         p->name, p->nick, size, p->path ? p->path : "?");
    }
    if (cf->done)
        cf->done(cf->user_data);
}

/* A line worth saying that is not an end. */
static void cli_files_on_notice(LcFiles *files, const char *text, gpointer data)
{
    LcCliFiles *cf = data;
    cli_files_clear_bar(cf);
    cli_print_remote(stderr, "lanconf-cli: %s", text);
}

/* An offer is over. */
static void cli_files_on_offer_done(LcFiles *files, guint offer, guint n_ok, guint n_failed,
                                    gpointer data)
{
    LcCliFiles *cf = data;
    cf->sending = cf->sending > 0 ? cf->sending - 1 : 0;
    if (cf->done)
        cf->done(cf->user_data);
}

/* Starts the files: every --send-file offered (once joined). */
LcCliFiles *cli_files_new(LcSession *session, const LcCliFilesOptions *options,
                          LcCliFilesDoneFunc done, gpointer user_data, GError **error)
{
    LcCliFiles *cf = g_new0(LcCliFiles, 1);
    cf->session = session;
    cf->options = *options;
    cf->done = done;
    cf->user_data = user_data;
    cf->tty = isatty(STDERR_FILENO);
    LcFilesConfig config = {.dir = options->accept_dir,
                            .auto_accept = options->accept_dir != NULL,
                            .max_size = options->max_bytes,
                            .overwrite = options->overwrite,
                            .ways = options->ways,
                            .rate = (double)options->rate_bytes,
                            .media_rate = options->media_rate_bytes};
    LcFilesEvents events = {.offered = cli_files_on_offered,
                            .progress = cli_files_on_progress,
                            .finished = cli_files_on_finished,
                            .offer_done = cli_files_on_offer_done,
                            .notice = cli_files_on_notice};
    cf->files = files_new(session, &config, &events, cf);
    for (guint i = 0; options->send != NULL && options->send[i] != NULL; i++) {
        if (files_send(cf->files, options->send[i], options->to, options->ways, error) == 0) {
            cli_files_free(cf);
            return NULL;
        }
        cf->sending++;
    }
    return cf;
}

gboolean cli_files_is_done(LcCliFiles *cf)
{
    return cf->sending == 0 && (cf->options.count <= 0 || (gint)cf->received >= cf->options.count);
}

gboolean cli_files_is_waiting(LcCliFiles *cf)
{
    return cf->sending > 0 || (cf->options.count > 0 && (gint)cf->received < cf->options.count);
}

int cli_files_get_status(LcCliFiles *cf)
{
    return cf->status;
}

void cli_files_free(LcCliFiles *cf)
{
    if (cf == NULL)
        return;
    cli_files_clear_bar(cf);
    files_free(cf->files);
    g_free(cf);
}
