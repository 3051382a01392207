/* e2e-harness.h: the terminal client's end-to-end tests: lanconf runs
 * inside a detached tmux session against a real lanconf-relay, with real
 * lanconf-cli processes as the other members; the tests type with send-keys
 * and read the screen with capture-pane, polling with a deadline. */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#define BIN(name)      LANCONF_BIN_DIR "/" name
#define WAIT_MS        10000
#define POLL_MS        50
#define SCREEN_COLS    100
#define SCREEN_ROWS    30
#define PROMPT         "[alice] "
#define PROMPT_SHOWN   "[alice]" /* capture-pane drops trailing spaces */
#define E2E_WATCHDOG_S 120       /* lanconf stops by itself if the test dies */

/* Processes a failed assertion must not leave behind (it aborts before the
 * tear-down): the tmux server, the relay and bob. */
enum { E2E_PID_TMUX, E2E_PID_RELAY, E2E_PID_BOB, E2E_N_PIDS };
extern volatile pid_t e2e_pids[E2E_N_PIDS];

typedef struct {
    char *dir;
    char *socket; /* tmux -L name, unique per run */
    GSubprocess *relay;
    guint16 port;
    GSubprocess *bob; /* lanconf-cli with stdin open */
    char *bob_addr;
    char *password_file; /* the room password's file: the relay asks for it, bob gives it */
} E2e;

/* A condition on the screen or a file's text. */
typedef gboolean (*E2eCheck)(const char *text, gpointer data);

/* Path of a file in the test's directory. */
char *e2e_path(E2e *e, const char *name);

/* Reads a file, or "" if it does not exist yet. */
char *e2e_read(E2e *e, const char *name);

/* Runs tmux with the test's socket; returns its stdout. */
char *e2e_tmux(E2e *e, const char *const *args);

/* The screen as text, one line per row. */
char *e2e_screen(E2e *e);

/* Types text literally, then presses Enter if asked. */
void e2e_type(E2e *e, const char *text, gboolean enter);

/* Presses a named key ("Left", "PPage"). */
void e2e_key(E2e *e, const char *key);

/* Whether text contains the string data. */
gboolean e2e_contains(const char *text, gpointer data);

/* Polls until check passes on the screen (file == NULL) or a file; fails
 * the test with what was last seen at the deadline. Returns the text. */
char *e2e_wait(E2e *e, const char *file, E2eCheck check, gpointer data, const char *what);

/* Polls until the screen or a file contains a string. */
char *e2e_wait_for(E2e *e, const char *file, const char *needle);

/* Waits until the screen (file NULL) or a file contains a string. */
void e2e_expect(E2e *e, const char *file, const char *needle);

/* In the child: die with the test, even if it is killed outright. */
void e2e_child_setup(gpointer data);

/* A subprocess's pid. */
pid_t e2e_pid_of(GSubprocess *p);

/* SIGABRT (a failed assertion): stops the test's processes, then aborts. */
void e2e_on_abort(int sig);

/* Starts a process with stdout and stderr to files in the test directory. */
GSubprocess *e2e_spawn(E2e *e, const char *const *argv, const char *name, gboolean with_stdin);

/* Whether the relay has written its port file. */
gboolean e2e_has_port(const char *text, gpointer data);

/* Starts the relay on port fixed (0: a free one). */
void e2e_start_relay(E2e *e, guint16 fixed);

/* Whether lanconf-cli said it joined (its address follows " as "). */
gboolean e2e_has_joined(const char *text, gpointer data);

/* Starts a lanconf-cli member that keeps stdin open; returns its nick@addr. */
GSubprocess *e2e_start_cli(E2e *e, const char *nick, char **tag);

/* Starts a lanconf-cli member that sends media (flag and source, such as
 * --camera test) for seconds; its output goes to NICK.out and NICK.err. */
GSubprocess *e2e_start_media(E2e *e, const char *nick, const char *flag, const char *source,
                             const char *seconds);

/* Sends one line from a lanconf-cli member. */
void e2e_cli_say(GSubprocess *p, const char *line);

/* Starts lanconf as alice in a detached tmux session of a fixed size, and
 * waits until it joined if asked. The shell around it writes lanconf's
 * exit status to a file. */
void e2e_start_tui(E2e *e, gboolean wait_joined);

/* Set-up: relay, bob (a lanconf-cli member), then lanconf in tmux. */
void e2e_setup(E2e *e, gconstpointer data);

/* Set-up with a room password: the relay asks for it, bob gives it from a
 * file, and lanconf (started without it) asks on screen. */
void e2e_setup_password(E2e *e, gconstpointer data);

/* Set-up with no relay running yet: its port is taken from a relay
 * started and stopped, and lanconf starts against it. */
void e2e_setup_no_relay(E2e *e, gconstpointer data);

/* Stops a process and waits for it. */
void e2e_stop(GSubprocess *p);

/* Removes the test directory and what is in it. */
void e2e_rmdir(const char *dir);

/* Tear-down: the tmux server, the members, the relay, the files. */
void e2e_teardown(E2e *e, gconstpointer data);

/* The screen split into rows (capture-pane drops trailing blank rows). */
GStrv e2e_rows(const char *screen);

/* Index of the first row containing needle, or -1. */
int e2e_row_of(GStrv rows, const char *needle);

/* Sets the environment every end-to-end test runs in and starts GTest;
 * FALSE (the test program then exits 77, skipped) without tmux. */
gboolean e2e_init(int *argc, char ***argv);
