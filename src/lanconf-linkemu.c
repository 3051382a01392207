/* lanconf-linkemu: two network namespaces joined by an impaired link, for the comparison lab.
 *
 * Sets up namespaces A and B, links them (delay, jitter, loss, rate limit),
 * then either runs a command or waits for SIGINT/SIGTERM, and tears it all
 * down again, printing what the link did to the packets.
 */
#include "core/option_number.h"
#include "net/linkemu/linkemu.h"
#include "net/linkemu/netns.h"
#include "net/linkemu/netns_pair.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#define EMU_PROGRAM "lanconf-linkemu"
/* Exit statuses besides a command's own. */
#define EMU_EXIT_OK      0
#define EMU_EXIT_FAILURE 1
#define EMU_EXIT_USAGE   2
/* Exit status of a command killed by a signal: 128 + the signal, as shells report it. */
#define EMU_EXIT_SIGNAL_BASE 128

/* The command line. */
typedef struct {
    gchar *impair;
    gchar *ns_a;
    gchar *ns_b;
    gchar *seed;
    gchar *method;
    gchar *stats_interval_text;
    gdouble stats_interval; /* parsed from stats_interval_text */
    GStrv command;
} EmuOptions;

/* What the program holds while the link is up. */
typedef struct {
    GMainLoop *loop;
    LcLinkEmu *emu;
    GSubprocess *child; /* the command, while it runs */
    int exit_code;
    guint signals; /* stop signals received */
    gint64 started_us;
} EmuRun;

/* The --help text after the options; %u is the default queue. */
static const char emu_description_format[] =
    "SPEC is none or comma-separated items, applied to each direction:\n"
    "  delay=TIME      one-way delay (us, ms, s), e.g. delay=20ms\n"
    "  jitter=TIME     delay varies uniformly by +/- TIME (at most delay); no reordering\n"
    "  loss=P%%         random loss per packet, or a fraction below 1 (loss=0.02)\n"
    "  rate=RATE       bottleneck rate (bit, kbit, mbit, gbit), e.g. rate=50mbit\n"
    "  queue=N         bottleneck buffer: N packets, or bytes with b, kb, mb\n"
    "                  (needs rate; default %u packets)\n"
    "\n"
    "Namespace A has " LINKEMU_ADDR_A " and namespace B " LINKEMU_ADDR_B
    ", on device " LINKEMU_IFNAME ".\n"
    "Without --ns-a/--ns-b, unique namespaces " NETNS_PAIR_PREFIX "PID-N-a/b are created and\n"
    "deleted at exit; named ones are created if missing and kept if they existed.\n"
    "\n"
    "COMMAND runs in the root namespace with LCEMU_NS_A, LCEMU_NS_B, LCEMU_ADDR_A,\n"
    "LCEMU_ADDR_B, LCEMU_IFNAME and LCEMU_METHOD set, e.g.\n"
    "  " EMU_PROGRAM
    " --impair delay=20ms -- sh -c 'ip netns exec $LCEMU_NS_A ping $LCEMU_ADDR_B'\n"
    "Without COMMAND the link stays up until SIGINT or SIGTERM.\n"
    "\n"
    "Exit status: the command's; else 0, 1 on failure (e.g. not root), 2 on bad usage.\n";

/* Frees what the option parser filled in. */
static void emu_options_clear(EmuOptions *opts)
{
    g_free(opts->impair);
    g_free(opts->ns_a);
    g_free(opts->ns_b);
    g_free(opts->seed);
    g_free(opts->method);
    g_free(opts->stats_interval_text);
    g_strfreev(opts->command);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(EmuOptions, emu_options_clear)

/* Prints "lanconf-linkemu: MESSAGE" to stderr and returns code. */
static int emu_fail(int code, const char *message)
{
    g_printerr(EMU_PROGRAM ": %s\n", message);
    return code;
}

/* Checks what the option parser cannot (required and well-formed values)
 * and reads --stats-interval. */
static gboolean emu_options_check(EmuOptions *opts, GError **error)
{
    if (opts->impair == NULL) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "--impair SPEC is required (none for a perfect link)");
        return FALSE;
    }
    if (opts->ns_a != NULL && opts->ns_b != NULL && g_strcmp0(opts->ns_a, opts->ns_b) == 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--ns-a and --ns-b name the same namespace '%s': the link joins two",
                    opts->ns_a);
        return FALSE;
    }
    const char *const names[] = {opts->ns_a, opts->ns_b};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (names[i] != NULL && !netns_name_is_valid(names[i])) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "--ns-%c: '%s' is not a valid namespace name (letters, digits, '.', '_', "
                        "'-')",
                        "ab"[i], names[i]);
            return FALSE;
        }
    }
    return opts->stats_interval_text == NULL ||
           option_number_parse("--stats-interval", opts->stats_interval_text, TRUE, 0,
                               OPTION_SECONDS_MAX, &opts->stats_interval, error);
}

/* Parses the command line into opts; FALSE with error on bad usage. */
static gboolean emu_options_parse(int argc, char **argv, EmuOptions *opts, GError **error)
{
    const GOptionEntry entries[] = {
        {"impair", 'i', 0, G_OPTION_ARG_STRING, &opts->impair,
         "Impairment of each direction (required; see below)", "SPEC"},
        {"ns-a", 0, 0, G_OPTION_ARG_STRING, &opts->ns_a, "Name of namespace A", "NAME"},
        {"ns-b", 0, 0, G_OPTION_ARG_STRING, &opts->ns_b, "Name of namespace B", "NAME"},
        {"seed", 0, 0, G_OPTION_ARG_STRING, &opts->seed,
         "Seed of the loss and jitter PRNG (TUN emulator; default 1)", "N"},
        {"method", 0, 0, G_OPTION_ARG_STRING, &opts->method,
         "auto (netem if the kernel has it), tun or netem", "METHOD"},
        {"stats-interval", 0, 0, G_OPTION_ARG_STRING, &opts->stats_interval_text,
         "Print the counters every S seconds (default: only at exit)", "S"},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->command, NULL, NULL},
        G_OPTION_ENTRY_NULL};
    g_autoptr(GOptionContext) context = g_option_context_new("[-- COMMAND...]");

    g_option_context_set_summary(context, "Joins two network namespaces by an impaired link.");
    g_autofree gchar *description =
        g_strdup_printf(emu_description_format, LINKEMU_QUEUE_DEFAULT_PACKETS);
    g_option_context_set_description(context, description);
    g_option_context_add_main_entries(context, entries, NULL);
    return g_option_context_parse(context, &argc, &argv, error) && emu_options_check(opts, error);
}

/* Reads --seed and --method into config; FALSE with error on a bad value. */
static gboolean emu_config_parse(const EmuOptions *opts, LcLinkEmuConfig *config, GError **error)
{
    gdouble seed = LINKEMU_DEFAULT_SEED;

    linkemu_config_init(config);
    if (opts->seed != NULL &&
        !option_number_parse("--seed", opts->seed, FALSE, 0, G_MAXUINT32, &seed, error))
        return FALSE;
    config->seed = (guint32)seed;
    if (opts->method != NULL && !linkemu_method_parse(opts->method, &config->method, error)) {
        g_prefix_error(error, "--method: ");
        return FALSE;
    }
    return TRUE;
}

/* Prints one direction's counters as one line. */
static void emu_print_direction(const char *label, const LcLinkCounters *c)
{
    g_print("  %s  in %" G_GUINT64_FORMAT " pkts %" G_GUINT64_FORMAT " B  out %" G_GUINT64_FORMAT
            " pkts %" G_GUINT64_FORMAT " B  lost %" G_GUINT64_FORMAT
            " queue-full %" G_GUINT64_FORMAT " write-errors %" G_GUINT64_FORMAT "\n",
            label, c->packets_in, c->bytes_in, c->packets_out, c->bytes_out, c->dropped_loss,
            c->dropped_queue, c->write_errors);
}

/* Prints both directions' counters under heading. */
static void emu_print_counters(EmuRun *run, const char *heading)
{
    static const char *const labels[] = {"A->B", "B->A"};

    g_print(EMU_PROGRAM ": %s\n", heading);
    for (guint dir = 0; dir < 2; dir++) {
        LcLinkCounters counters;
        g_autoptr(GError) error = NULL;
        if (linkemu_get_counters(run->emu, dir, &counters, &error))
            emu_print_direction(labels[dir], &counters);
        else
            g_print("  %s  counters unavailable: %s\n", labels[dir], error->message);
    }
    fflush(stdout);
}

/* Prints the counters every --stats-interval seconds. */
static gboolean emu_on_stats_timer(gpointer data)
{
    EmuRun *run = data;
    double elapsed = (double)(g_get_monotonic_time() - run->started_us) / G_USEC_PER_SEC;
    g_autofree gchar *heading = g_strdup_printf("counters at %.1fs", elapsed);

    emu_print_counters(run, heading);
    return G_SOURCE_CONTINUE;
}

/* Stops on SIGINT/SIGTERM/SIGHUP; a running command gets the signal first and is waited for. */
static gboolean emu_on_signal(gpointer data, int signum)
{
    EmuRun *run = data;

    run->signals++;
    if (run->child != NULL && run->signals == 1) {
        g_subprocess_send_signal(run->child, signum);
        return G_SOURCE_CONTINUE;
    }
    if (run->child != NULL)
        g_subprocess_force_exit(run->child);
    g_main_loop_quit(run->loop);
    return G_SOURCE_CONTINUE;
}

/* SIGINT handler: see emu_on_signal(). */
static gboolean emu_on_sigint(gpointer data)
{
    return emu_on_signal(data, SIGINT);
}

/* SIGTERM handler: see emu_on_signal(). */
static gboolean emu_on_sigterm(gpointer data)
{
    return emu_on_signal(data, SIGTERM);
}

/* SIGHUP handler: see emu_on_signal(). */
static gboolean emu_on_sighup(gpointer data)
{
    return emu_on_signal(data, SIGHUP);
}

/* Takes the command's exit status as the program's and ends the loop. */
static void emu_on_child_exit(GObject *source, GAsyncResult *result, gpointer data)
{
    EmuRun *run = data;
    GSubprocess *child = G_SUBPROCESS(source);
    g_autoptr(GError) error = NULL;

    if (!g_subprocess_wait_finish(child, result, &error)) {
        emu_fail(EMU_EXIT_FAILURE, error->message);
        run->exit_code = EMU_EXIT_FAILURE;
    } else if (g_subprocess_get_if_signaled(child)) {
        run->exit_code = EMU_EXIT_SIGNAL_BASE + g_subprocess_get_term_sig(child);
    } else {
        run->exit_code = g_subprocess_get_exit_status(child);
    }
    g_clear_object(&run->child);
    g_main_loop_quit(run->loop);
}

/* Gives the command the default SIGPIPE action that this program ignores; runs in the child. */
static void emu_child_setup(gpointer unused)
{
    signal(SIGPIPE, SIG_DFL);
}

/* Starts the command in the root namespace with the link described in its environment. */
static gboolean emu_command_start(EmuRun *run, const EmuOptions *opts, const LcNetnsPair *pair,
                                  GError **error)
{
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);

    g_subprocess_launcher_set_child_setup(launcher, emu_child_setup, NULL, NULL);
    g_subprocess_launcher_setenv(launcher, "LCEMU_NS_A", netns_pair_get_a(pair), TRUE);
    g_subprocess_launcher_setenv(launcher, "LCEMU_NS_B", netns_pair_get_b(pair), TRUE);
    g_subprocess_launcher_setenv(launcher, "LCEMU_ADDR_A", LINKEMU_ADDR_A, TRUE);
    g_subprocess_launcher_setenv(launcher, "LCEMU_ADDR_B", LINKEMU_ADDR_B, TRUE);
    g_subprocess_launcher_setenv(launcher, "LCEMU_IFNAME", LINKEMU_IFNAME, TRUE);
    g_subprocess_launcher_setenv(launcher, "LCEMU_METHOD",
                                 linkemu_method_to_string(linkemu_get_method(run->emu)), TRUE);
    run->child = g_subprocess_launcher_spawnv(launcher, (const char *const *)opts->command, error);
    if (run->child == NULL) {
        g_prefix_error(error, "starting %s: ", opts->command[0]);
        return FALSE;
    }
    g_subprocess_wait_async(run->child, NULL, emu_on_child_exit, run);
    return TRUE;
}

/* Prints the namespaces, addresses and method of the link that is now up. */
static void emu_print_link(EmuRun *run, const LcLinkSpec *spec, const LcNetnsPair *pair)
{
    g_autofree gchar *spec_text = linkemu_spec_format(spec);
    const char *note = linkemu_get_method_note(run->emu);

    g_print(EMU_PROGRAM ": link up, method %s%s%s%s\n",
            linkemu_method_to_string(linkemu_get_method(run->emu)), note != NULL ? " (" : "",
            note != NULL ? note : "", note != NULL ? ")" : "");
    g_print("  impairment  %s (each direction)\n", spec_text);
    g_print("  A  netns %s  dev %s  %s\n", netns_pair_get_a(pair), LINKEMU_IFNAME, LINKEMU_ADDR_A);
    g_print("  B  netns %s  dev %s  %s\n", netns_pair_get_b(pair), LINKEMU_IFNAME, LINKEMU_ADDR_B);
    g_print("  try: ip netns exec %s ping %s\n", netns_pair_get_a(pair), LINKEMU_ADDR_B);
    fflush(stdout);
}

/* Runs the link until the command ends or a signal comes; returns the exit status. */
static int emu_run_link(EmuRun *run, const EmuOptions *opts, const LcLinkSpec *spec,
                        const LcNetnsPair *pair)
{
    g_autoptr(GError) error = NULL;
    guint stats_source = 0;

    emu_print_link(run, spec, pair);
    if (opts->command != NULL && !emu_command_start(run, opts, pair, &error))
        return emu_fail(EMU_EXIT_FAILURE, error->message);
    if (opts->command == NULL) {
        g_print(EMU_PROGRAM ": waiting for SIGINT or SIGTERM\n");
        fflush(stdout);
    }
    if (opts->stats_interval > 0)
        stats_source = g_timeout_add((guint)(opts->stats_interval * 1000), emu_on_stats_timer, run);
    run->started_us = g_get_monotonic_time();
    g_main_loop_run(run->loop);
    /* A signal before the command could be watched: wait for it here. */
    if (run->child != NULL)
        g_subprocess_wait(run->child, NULL, NULL);
    if (stats_source != 0)
        g_source_remove(stats_source);
    emu_print_counters(run, "counters at exit");
    return run->exit_code;
}

/* Sets up the namespaces and the link, runs, and tears everything down. */
static int emu_main(const EmuOptions *opts, const LcLinkSpec *spec, const LcLinkEmuConfig *config,
                    EmuRun *run)
{
    g_autoptr(GError) error = NULL;

    guint reaped = netns_pair_reap_stale();
    if (reaped > 0)
        g_printerr(EMU_PROGRAM ": deleted %u namespaces left by runs that died\n", reaped);
    g_autoptr(LcNetnsPair) pair = netns_pair_new(opts->ns_a, opts->ns_b, &error);
    if (pair == NULL)
        return emu_fail(EMU_EXIT_FAILURE, error->message);
    run->emu = linkemu_start(spec, netns_pair_get_a(pair), netns_pair_get_b(pair), config, &error);
    if (run->emu == NULL)
        return emu_fail(EMU_EXIT_FAILURE, error->message);
    int code = emu_run_link(run, opts, spec, pair);
    g_clear_pointer(&run->emu, linkemu_stop);
    return code;
}

/* Parses the command line, checks privileges, and runs the link. */
int main(int argc, char **argv)
{
    g_auto(EmuOptions) opts = {0};
    g_autoptr(GError) error = NULL;
    LcLinkSpec spec;
    LcLinkEmuConfig config;

    if (!emu_options_parse(argc, argv, &opts, &error) || !emu_config_parse(&opts, &config, &error))
        return emu_fail(EMU_EXIT_USAGE, error->message);
    if (!linkemu_spec_parse(opts.impair, &spec, &error)) {
        g_prefix_error(&error, "--impair: ");
        return emu_fail(EMU_EXIT_USAGE, error->message);
    }
    if (!netns_check_privileges(&error))
        return emu_fail(EMU_EXIT_FAILURE, error->message);

    /* A closed stdout must not kill the program before it has torn the link down. */
    signal(SIGPIPE, SIG_IGN);
    EmuRun run = {.loop = g_main_loop_new(NULL, FALSE), .exit_code = EMU_EXIT_OK};
    /* Caught from here on, so that a signal during set-up still tears down what was made. */
    guint sources[] = {g_unix_signal_add(SIGINT, emu_on_sigint, &run),
                       g_unix_signal_add(SIGTERM, emu_on_sigterm, &run),
                       g_unix_signal_add(SIGHUP, emu_on_sighup, &run)};
    int code = emu_main(&opts, &spec, &config, &run);
    for (guint i = 0; i < G_N_ELEMENTS(sources); i++)
        g_source_remove(sources[i]);
    g_main_loop_unref(run.loop);
    return code;
}
