/* The encoder back-ends, probed: which can run here and why the others
 * cannot; and the choice of one for a codec. */
#include "media/encoder_list.h"

#include <gmodule.h>
#include <gst/gst.h>

/* A back-end: its name, codec and, for the GStreamer ones, the element. */
typedef struct {
    const char *name;
    LcCodec codec;
    gboolean gpu;
    const char *element; /* NULL: TurboJPEG, linked in */
    const char *library;
    const char *package; /* the Debian package that has the element */
} EncoderBackend;

/* In the order "auto" prefers them within a codec: the GPU first. */
static const EncoderBackend encoder_backends[] = {
    {"cuda-jpeg", LC_CODEC_JPEG, TRUE, NULL, "nvJPEG on CUDA", "nvidia-cuda-toolkit"},
    {"turbojpeg", LC_CODEC_JPEG, FALSE, NULL, "libjpeg-turbo (TurboJPEG)", "libturbojpeg0"},
    {"nvenc", LC_CODEC_H264, TRUE, "nvh264enc", "NVENC (GStreamer nvh264enc)",
     "gstreamer1.0-plugins-bad"},
    {"x264", LC_CODEC_H264, FALSE, "x264enc", "x264 (GStreamer x264enc)",
     "gstreamer1.0-plugins-ugly"},
    {"openh264", LC_CODEC_H264, FALSE, "openh264enc", "OpenH264 (GStreamer openh264enc)",
     "gstreamer1.0-plugins-bad"},
};

/* Finds a back-end by name ("jpeg" is turbojpeg); NULL if none. */
static const EncoderBackend *encoder_list_find(const char *name)
{
    if (g_strcmp0(name, "jpeg") == 0)
        name = "turbojpeg";
    for (guint i = 0; i < G_N_ELEMENTS(encoder_backends); i++) {
        if (g_strcmp0(encoder_backends[i].name, name) == 0)
            return &encoder_backends[i];
    }
    return NULL;
}

/* Whether a shared library of the NVIDIA driver loads. */
static gboolean encoder_list_can_load(const char *library)
{
    GModule *module = g_module_open(library, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    if (module == NULL)
        return FALSE;
    g_module_close(module);
    return TRUE;
}

/*
 * Why NVENC does not run here. GStreamer's nvcodec plugin registers
 * nvh264enc only when the driver opens an encode session on a GPU, so its
 * absence has one of these causes, checked from the outside in.
 */
static char *encoder_list_explain_nvenc(void)
{
    g_autoptr(GstPlugin) plugin = gst_registry_find_plugin(gst_registry_get(), "nvcodec");
    if (!g_file_test("/dev/nvidiactl", G_FILE_TEST_EXISTS) &&
        !g_file_test("/dev/nvidia0", G_FILE_TEST_EXISTS))
        return g_strdup("no NVIDIA GPU (/dev/nvidia0 is missing)");
    if (plugin == NULL)
        return g_strdup("the GStreamer nvcodec plugin is not installed "
                        "(Debian package gstreamer1.0-plugins-bad)");
    if (!encoder_list_can_load("libcuda.so.1"))
        return g_strdup("the NVIDIA driver's CUDA library (libcuda.so.1) is missing");
    if (!encoder_list_can_load("libnvidia-encode.so.1"))
        return g_strdup("the NVIDIA driver's NVENC library (libnvidia-encode.so.1) is missing "
                        "(Debian package libnvidia-encode1)");
    return g_strdup("the GPU has no NVENC (data-centre GPUs such as the H100, H200 and A100 "
                    "have none), or the driver refused an encode session");
}

/* Why the nvJPEG back-end cannot run here; NULL when it can. */
static char *encoder_list_probe_cuda(void)
{
#ifdef LANCONF_HAVE_CUDA
    if (!g_file_test("/dev/nvidiactl", G_FILE_TEST_EXISTS) &&
        !g_file_test("/dev/nvidia0", G_FILE_TEST_EXISTS))
        return g_strdup("no NVIDIA GPU (/dev/nvidia0 is missing)");
    /* Making an encoder (a CUDA context, an nvJPEG handle) is the one sure
     * test, and too dear to repeat: once per process. */
    static gsize done = 0;
    static char *why = NULL;
    if (g_once_init_enter(&done)) {
        g_autoptr(GError) error = NULL;
        g_autoptr(LcEncoder) encoder = encoder_cuda_jpeg_new(ENCODER_DEFAULT_QUALITY, &error);
        why = encoder == NULL ? g_strdup(error->message) : NULL;
        g_once_init_leave(&done, 1);
    }
    return g_strdup(why);
#else
    return g_strdup("not in this build: configure with -DLANCONF_CUDA=ON where the CUDA toolkit "
                    "is installed (scripts/gpu-check.sh does both)");
#endif
}

/* Probes one back-end: NULL when it can run, else why not. */
static char *encoder_list_probe_one(const EncoderBackend *b)
{
    if (g_strcmp0(b->name, "cuda-jpeg") == 0)
        return encoder_list_probe_cuda();
    if (b->element == NULL)
        return NULL;
    g_autoptr(GstElementFactory) factory = gst_element_factory_find(b->element);
    if (factory != NULL)
        return NULL;
    if (g_strcmp0(b->name, "nvenc") == 0)
        return encoder_list_explain_nvenc();
    return g_strdup_printf("the GStreamer element %s is not installed (Debian package %s)",
                           b->element, b->package);
}

/* Frees one status. */
static void encoder_status_free(gpointer data)
{
    LcEncoderStatus *status = data;
    g_free(status->reason);
    g_free(status);
}

/* Every back-end, probed now. */
GPtrArray *encoder_list_probe(void)
{
    gst_init(NULL, NULL);
    GPtrArray *list = g_ptr_array_new_with_free_func(encoder_status_free);
    for (guint i = 0; i < G_N_ELEMENTS(encoder_backends); i++) {
        const EncoderBackend *b = &encoder_backends[i];
        LcEncoderStatus *status = g_new0(LcEncoderStatus, 1);
        status->name = b->name;
        status->codec = b->codec;
        status->gpu = b->gpu;
        status->library = b->library;
        status->reason = encoder_list_probe_one(b);
        status->available = status->reason == NULL;
        g_ptr_array_add(list, status);
    }
    return list;
}

/* Parses --codec. */
gboolean encoder_list_parse_codec(const char *text, LcCodec *codec, GError **error)
{
    if (g_strcmp0(text, "jpeg") == 0) {
        *codec = LC_CODEC_JPEG;
        return TRUE;
    }
    if (g_strcmp0(text, "h264") == 0 || g_ascii_strcasecmp(text ? text : "", "H.264") == 0) {
        *codec = LC_CODEC_H264;
        return TRUE;
    }
    g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                "unknown codec \"%s\" (known: jpeg, h264)", text ? text : "");
    return FALSE;
}

/* Checks a codec/encoder pair; sets the codec that will run. */
gboolean encoder_list_check(LcCodec codec, const char *name, LcCodec *resolved, GError **error)
{
    if (!encoder_check_name(name, error))
        return FALSE;
    const EncoderBackend *b = encoder_list_find(name);
    if (b == NULL) { /* auto */
        *resolved = codec != 0 ? codec : LC_CODEC_JPEG;
        return TRUE;
    }
    if (codec != 0 && codec != b->codec) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                    "the encoder %s makes %s, not %s", b->name, frame_codec_to_string(b->codec),
                    frame_codec_to_string(codec));
        return FALSE;
    }
    *resolved = b->codec;
    return TRUE;
}

/* Creates the back-end b. */
static LcEncoder *encoder_list_create(const EncoderBackend *b, const LcEncoderSettings *settings,
                                      GError **error)
{
    if (g_strcmp0(b->name, "cuda-jpeg") == 0) {
#ifdef LANCONF_HAVE_CUDA
        return encoder_cuda_jpeg_new(settings->quality, error);
#else
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_UNAVAILABLE,
                    "cuda-jpeg is not in this build");
        return NULL;
#endif
    }
    if (b->element == NULL)
        return encoder_jpeg_new(settings->quality, error);
    return encoder_h264_new(b->element, settings, error);
}

/* The note on what runs and why the others of the codec do not. */
static char *encoder_list_note(const EncoderBackend *chosen, GPtrArray *list)
{
    g_autoptr(GString) note = g_string_new(NULL);
    g_string_append_printf(note, "encoder %s (%s on the %s)", chosen->name,
                           frame_codec_to_string(chosen->codec), chosen->gpu ? "GPU" : "CPU");
    gboolean first = TRUE;
    for (guint i = 0; i < list->len; i++) {
        const LcEncoderStatus *s = g_ptr_array_index(list, i);
        if (s->codec != chosen->codec || g_strcmp0(s->name, chosen->name) == 0)
            continue;
        g_string_append_printf(note, "%s%s: %s", first ? "; not used: " : "; ", s->name,
                               s->available ? "available, not chosen" : s->reason);
        first = FALSE;
    }
    return g_string_free(g_steal_pointer(&note), FALSE);
}

/* Creates the encoder for codec and name, and says why. */
LcEncoder *encoder_list_select(LcCodec codec, const char *name, const LcEncoderSettings *settings,
                               char **note, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    LcCodec resolved = 0;
    if (!encoder_list_check(codec, name, &resolved, error))
        return NULL;
    LcEncoderSettings s = settings ? *settings : (LcEncoderSettings){0};
    if (!encoder_settings_resolve(&s, error))
        return NULL;
    g_autoptr(GPtrArray) list = encoder_list_probe();
    const EncoderBackend *chosen = encoder_list_find(name);
    if (chosen != NULL) {
        for (guint i = 0; i < list->len; i++) {
            const LcEncoderStatus *st = g_ptr_array_index(list, i);
            if (g_strcmp0(st->name, chosen->name) == 0 && !st->available) {
                g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_UNAVAILABLE,
                            "the encoder %s cannot run here: %s", chosen->name, st->reason);
                return NULL;
            }
        }
    } else {
        for (guint i = 0; i < list->len && chosen == NULL; i++) {
            const LcEncoderStatus *st = g_ptr_array_index(list, i);
            if (st->codec == resolved && st->available)
                chosen = encoder_list_find(st->name);
        }
    }
    if (chosen == NULL) {
        g_autoptr(GString) why = g_string_new(NULL);
        for (guint i = 0; i < list->len; i++) {
            const LcEncoderStatus *st = g_ptr_array_index(list, i);
            if (st->codec == resolved)
                g_string_append_printf(why, "%s%s: %s", why->len ? "; " : "", st->name, st->reason);
        }
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_UNAVAILABLE, "no %s encoder runs here (%s)",
                    frame_codec_to_string(resolved), why->str);
        return NULL;
    }
    LcEncoder *encoder = encoder_list_create(chosen, &s, error);
    if (encoder != NULL && note != NULL)
        *note = encoder_list_note(chosen, list);
    return encoder;
}

/* Whether an H.264 decoder element is installed. */
gboolean encoder_list_have_h264_decoder(GString *why)
{
    static const char *const decoders[] = {"avdec_h264", "openh264dec"}; /* decoder_h264.c's */
    gst_init(NULL, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(decoders); i++) {
        g_autoptr(GstElementFactory) factory = gst_element_factory_find(decoders[i]);
        if (factory != NULL)
            return TRUE;
    }
    if (why != NULL)
        g_string_append(why, "no H.264 decoder element (avdec_h264 from the Debian package "
                             "gstreamer1.0-libav, or openh264dec) is installed");
    return FALSE;
}
