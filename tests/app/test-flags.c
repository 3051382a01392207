/* test-flags.c: every program treats a bad flag value alike: a usage error
 * (exit 2) on stderr naming the flag and its range, before anything runs
 * (no relay listens, no bench starts, no namespace is made). */
#include <glib.h>
#include <string.h>
#include <sys/wait.h>

typedef struct {
    const char *args;   /* program and arguments, split on spaces */
    const char *expect; /* what stderr must contain */
} FlagCase;

static const FlagCase flag_cases[] = {
    {"lanconf-relay --port -1",
     "--port: '-1' is out of range: expected a whole number from 0 to 65535"},
    {"lanconf-relay --port 70000", "--port: '70000' is out of range"},
    {"lanconf-relay -p abc", "--port: 'abc' is not a whole number"},
    {"lanconf-relay --rate-limit -1", "--rate-limit: '-1' is out of range"},
    {"lanconf-relay --nick-hold 86401", "--nick-hold: '86401' is out of range"},
    {"lanconf-relay --stats-interval 1.5", "--stats-interval: '1.5' is not a whole number"},
    {"lanconf-relay stray", "unexpected argument"},
    {"lanconf-cli --count -1", "--count: '-1' is out of range"},
    {"lanconf-cli --timeout -2", "--timeout: '-2' is out of range"},
    {"lanconf-cli --camera test --duration 1x", "--duration: '1x' is not a number"},
    {"lanconf-cli --camera test --fps 0", "--fps: invalid frame rate \"0\""},
    {"lanconf-cli --camera test --quality 0", "--quality: invalid quality \"0\""},
    {"lanconf-cli --camera test --fps 1000", "from 1 to 120"},
    {"lanconf-bench chat --clients 0",
     "--clients: '0' is out of range: expected a whole number from 1 to 100000"},
    {"lanconf-bench chat --size 4097", "--size: '4097' is out of range"},
    {"lanconf-bench chat --stuck -1", "--stuck: '-1' is out of range"},
    {"lanconf-bench compare --duration 0",
     "--duration: '0' is out of range: expected a number of seconds from 0.1 to 3600"},
    {"lanconf-bench compare --fps 0", "--fps: invalid frame rate"},
    {"lanconf-bench compare --quality 101", "--quality: invalid quality"},
    {"lanconf-bench compare --size 8x8", "--size: invalid size"},
    {"lanconf-bench compare --source synthetic:x",
     "the seed after synthetic: must be a whole number"},
    {"lanconf-bench compare --encoder foo", "--encoder: unknown encoder \"foo\" (known: auto, "
                                            "jpeg, turbojpeg, cuda-jpeg, x264, openh264, nvenc)"},
    {"lanconf-bench compare --codec vp8", "--codec: unknown codec \"vp8\" (known: jpeg, h264)"},
    {"lanconf-cli --camera test --codec jpeg --encoder x264",
     "--encoder: the encoder x264 makes h264, not jpeg"},
    {"lanconf-cli --camera test --bitrate 0", "--bitrate: invalid bitrate \"0\""},
    {"lanconf-cli --camera test --codec h264 --size 641x480",
     "--size 641x480: H.264 needs an even width and height"},
    {"lanconf-cli --camera test --codec jpeg,h264", "--codec: one codec, jpeg or h264"},
    {"lanconf-bench compare --codec jpeg,h264 --encoder x264", "--encoder x264 names one back-end"},
    {"lanconf-bench compare --codec jpeg,jpeg", "--codec: jpeg is named twice"},
    {"lanconf-bench compare --security tight", "--security: 'tight': expected tls, plain or both"},
    {"lanconf-bench compare --security both --codec jpeg,h264",
     "--security both and a list of codecs: compare one thing at a time"},
    {"lanconf-relay --tls-cert /tmp/x.pem", "--tls-cert needs --tls-key (its private key)"},
    {"lanconf-relay --tls-key /tmp/x.pem", "--tls-key needs --tls-cert (its certificate)"},
    {"lanconf-bench compare --codec jpeg,h264 --media audio", "it needs --media video or both"},
    {"lanconf-cli --camera test --gop 1001", "--gop: invalid GOP \"1001\""},
    {"lanconf-cli --camera test --codec h264 --bitrate 100001", "--bitrate: invalid bitrate"},
    {"lanconf-cli --camera test --bitrate 500", "--bitrate is for H.264 (--codec h264)"},
    {"lanconf-cli --camera test --gop 30", "--gop is for H.264 (--codec h264)"},
    {"lanconf-cli --view cam --tty-mode pixels", "--tty-mode: 'pixels': expected auto, symbols"},
    {"lanconf-cli --tty-mode sixels", "--tty-mode is for a view drawn in the terminal"},
    {"lanconf-relay --announce", "Missing argument for --announce"},
    {"lanconf-relay --announce= --port 0", "--announce: the name is empty"},
    {"lanconf-cli --discover --server 1.2.3.4:5",
     "--discover lists the relays on the LAN and exits"},
    {"lanconf-relay --announce x --no-announce", "contradict each other"},
    {"lanconf-cli --camera test --encoder turbojpeg --gop 30", "--gop is for H.264"},
    {"lanconf-cli --camera test --codec h264 --quality 50", "--quality is for JPEG"},
    {"lanconf-bench compare --encoder x264 --quality 50", "--quality is for JPEG"},
    {"lanconf-bench compare --quality 50 --bitrate 900 --gop 10", "--bitrate is for H.264"},
    {"lanconf-bench compare --relay 127.0.0.1:70000", "--relay: invalid address"},
    {"lanconf-relay --listen nonsense", "--listen: 'nonsense' is not an IP address"},
    {"lanconf-relay --port-file /nonexistent-folder/port",
     "--port-file: the folder /nonexistent-folder does not exist"},
    {"lanconf-relay extra", "unexpected argument 'extra'"},
    {"lanconf-linkemu --impair none --seed x",
     "--seed: 'x' is not a whole number: expected a whole number from 0 to 4294967295"},
    {"lanconf-linkemu --impair none --ns-a same --ns-b same", "name the same namespace"},
    {"lanconf-cli --nick BAD!NICK", "--nick: "},
    {"lanconf-cli --to bob", "--to goes with --send-file FILE"},
    {"lanconf-cli --files 2", "--files goes with --accept-files DIR"},
    {"lanconf-cli --accept-files /tmp --files 0", "--files: give a count of 1 or more"},
    {"lanconf-cli --send-file /etc/hostname --to bob --via swarm",
     "--via swarm is for a file to the room"},
    {"lanconf-cli --overwrite", "--overwrite goes with --accept-files DIR"},
    {"lanconf-cli --send-file /nonexistent/x.bin", "--send-file: /nonexistent/x.bin is not a file"},
    {"lanconf-cli --send-file /etc/hostname --via pigeon", "--via: 'pigeon' is not auto"},
    {"lanconf-cli --send-file /etc/hostname --file-rate 0", "--file-rate: a rate of 0"},
    {"lanconf-cli --send-file /etc/hostname --file-rate fast", "--file-rate: 'fast' is not a size"},
    {"lanconf-cli --accept-files /nonexistent", "--accept-files: /nonexistent is not a folder"},
    {"lanconf-cli --accept-files /tmp --max-file-size 1Q", "--max-file-size: '1Q' is not a size"},
    {"lanconf-bench files --size 0", "--size: give a size of 1 byte or more"},
    {"lanconf-bench files --ways relay,pigeon", "--ways: 'pigeon' is not relay, direct or swarm"},
    {"lanconf-bench files --receivers 65", "--receivers: '65' is out of range"},
    {"lanconf-bench files --held 0", "--held: a rate of 0 holds nothing back"},
    {"lanconf --files-dir /nonexistent", "--files-dir: not a folder: /nonexistent"},
    {"lanconf-cli --nick bob --view -x", "--view: "},
    {"lanconf-cli --camera test --encoder nvidia", "--encoder: unknown encoder"},
    {"lanconf-bench transport --window 0", "--window: '0' is out of range"},
    {"lanconf-bench compare --impair bogus=1", "--impair: bogus=1: unknown key 'bogus'"},
    {"lanconf-bench compare --impair loss=200%", "--impair: "},
    {"lanconf-linkemu --impair none --stats-interval -1", "--stats-interval: '-1' is out of range"},
    {"lanconf-bench compare --media smell", "--media: 'smell': expected video, audio or both"},
    {"lanconf-bench compare --media audio --audio-frame-ms 15",
     "--audio-frame-ms: '15': expected 10 or 20"},
    {"lanconf-bench compare --media audio --audio-mode loud",
     "--audio-mode: 'loud': expected voice or lowdelay"},
    {"lanconf-cli --audio test --audio-bitrate 5",
     "--audio-bitrate: '5' is out of range: expected a whole number from 6000 to 510000"},
    {"lanconf-cli --listen --jitter 0", "--jitter: '0' is out of range"},
    {"lanconf-cli --audio test:0", "--audio: audio source 'test:0': the tone must be"},
    {"lanconf-cli --audio /no/such/talk.wav", "cannot open file /no/such/talk.wav: no such file"},
    {"lanconf-cli --listen --jitter 300 --jitter-max 100", "give one or the other"},
    {"lanconf-cli --listen --jitter 30 --jitter-min 10", "give one or the other"},
    {"lanconf-cli --listen --jitter-min 0", "--jitter-min: '0' is out of range"},
    {"lanconf-cli --listen --jitter-min 481", "--jitter-min: '481' is out of range"},
    {"lanconf-cli --listen --jitter-min 50 --jitter-max 20",
     "--jitter-min 50 is deeper than --jitter-max 20"},
    {"lanconf-cli --jitter-min 10", "need --listen or --audio-out"},
    {"lanconf-cli --listen --jitter-min 300",
     "--jitter-min 300 is deeper than --jitter-max 200 (its default): raise that too"},
    {"lanconf-cli --listen --summary /no/such/dir/s.json",
     "--summary /no/such/dir/s.json: the folder /no/such/dir does not exist"},
    {"lanconf-bench conference --jitter-min 201", "--jitter-min: '201' is out of range"},
    {"lanconf-bench conference --jitter-min 0", "--jitter-min: '0' is out of range"},
    {"lanconf-cli --audio mic --echo-cancel maybe",
     "--echo-cancel: echo cancellation 'maybe': expected auto, on or off"},
    {"lanconf-cli --listen --echo-cancel on", "--echo-cancel needs --audio"},
    {"lanconf-cli --tty", "--tty needs --view NICK"},
    {"lanconf-cli --view bob --tty --headless", "--tty draws the camera, --headless only"},
    {"lanconf-bench compare --audio-source test:660", "--audio-source needs --media audio"},
    {"lanconf-bench compare --media audio --audio-source test:5", "--audio-source: audio source"},
    {"lanconf-relay --password-file /no/such/pw", "--password-file: cannot read the password file"},
    {"lanconf-relay --password-file /dev/null", "the password is empty"},
    {"lanconf-cli --password-file /no/such/pw", "--password-file: cannot read the password file"},
    {"lanconf --password-file /dev/null", "--password-file: /dev/null: the password is empty"},
    {"lanconf-cli --private", "--private and --allow are for what this client sends"},
    {"lanconf-cli --view cam --allow bob", "--private and --allow are for what this client sends"},
    {"lanconf-cli --camera test --private --allow no!good", "--allow: "},
    {"lanconf-cli --camera test --allow bob", "--allow is for what is private: add --private"},
};

/* Runs one case: exit status 2, the expected words on stderr, within 10 s. */
static void test_flag_case(gconstpointer data)
{
    const FlagCase *fc = data;
    g_auto(GStrv) args = g_strsplit(fc->args, " ", -1);
    g_autofree char *program = g_build_filename(LANCONF_BIN_DIR, args[0], NULL);
    g_free(args[0]);
    args[0] = g_strdup(program);
    g_autofree char *out = NULL, *err = NULL;
    gint status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(
        g_spawn_sync(NULL, args, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
    g_assert_no_error(error);
    g_test_message("%s -> %s", fc->args, err);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 2);
    g_assert_nonnull(strstr(err, fc->expect));
}

/* A known encoder that cannot run here fails at start (status 1) with the
 * reason, before anything joins. Where NVENC works, x264 stands in for a
 * back-end that runs: the run is then not a failure to check. */
static void test_encoder_unavailable(void)
{
    if (g_file_test("/dev/nvidia0", G_FILE_TEST_EXISTS)) {
        g_test_skip("this machine has an NVIDIA GPU");
        return;
    }
    g_autofree char *program = g_build_filename(LANCONF_BIN_DIR, "lanconf-cli", NULL);
    const char *args[] = {program, "--server",  "127.0.0.1:1", "--camera",
                          "test",  "--encoder", "nvenc",       NULL};
    g_autofree char *out = NULL, *err = NULL;
    gint status = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)args, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
    g_test_message("%s", err);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "the encoder nvenc cannot run here: no NVIDIA GPU"));
}

/* Every client and the relay say their version and the protocol's. */
static void test_versions(void)
{
    const char *programs[] = {"lanconf", "lanconf-cli", "lanconf-relay"};
    for (guint i = 0; i < G_N_ELEMENTS(programs); i++) {
        g_autofree char *program = g_build_filename(LANCONF_BIN_DIR, programs[i], NULL);
        const char *argv[] = {program, "--version", NULL};
        g_autofree char *out = NULL;
        gint status = 0;
        g_autoptr(GError) error = NULL;
        g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                   NULL, &out, NULL, &status, &error));
        g_assert_no_error(error);
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        g_autofree char *expect = g_strdup_printf("%s %s (protocol ", programs[i], LANCONF_VERSION);
        g_assert_true(g_str_has_prefix(out, expect));
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/flags/versions", test_versions);
    g_test_add_func("/flags/encoder-unavailable", test_encoder_unavailable);
    for (guint i = 0; i < G_N_ELEMENTS(flag_cases); i++) {
        g_autofree char *path = g_strdup_printf("/flags/%u", i);
        g_test_add_data_func(path, &flag_cases[i], test_flag_case);
    }
    return g_test_run();
}
