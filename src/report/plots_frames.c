/*
 * frames.csv, read for the charts. Columns are found by their names in the
 * header, so that a file with extra or reordered columns still reads; only
 * the columns the charts use are parsed, in one pass over the file, which
 * keeps a run of 100 000 frames quick. The columns are those
 * framelog_write_csv() writes (docs/STATS.md).
 */
#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "src/run/frame_record.h"
#include "src/report/plots_private.h"
#include "src/report/framelog_report.h"

static const PlotsMetricInfo plots_metrics[PLOTS_N_METRICS] = {
    [PLOTS_METRIC_RTT] = {"rtt_ms", "latency", "RTT",
                          "Round-trip time per frame (send to relay ACK)", "no frame acknowledged",
                          "acknowledged frames", "ms"},
    [PLOTS_METRIC_END_TO_END] = {"end_to_end_ms", "end_to_end", "end-to-end delay",
                                 "End-to-end delay per frame (capture to decoded at the viewer)",
                                 "no frame reached a viewer", "frames that reached a viewer", "ms"},
    [PLOTS_METRIC_TRANSFER] = {"transfer_mb_s", "transfer", "transfer rate",
                               "Transfer rate per frame (bytes / (relay ACK - send))",
                               "no frame acknowledged", "acknowledged frames", "MB/s"},
};

/* The columns the charts read; any of them may be missing from a file. */
typedef enum {
    COL_CHANNEL,
    COL_SEQ,
    COL_CAPTURE,
    COL_SEND,
    COL_RTT,
    COL_END_TO_END,
    COL_TRANSFER,
    COL_DECODED,
    COL_LOST,
    COL_DROPPED,
    N_COLS,
} PlotsColumn;

static const char *const plots_column_names[N_COLS] = {
    [COL_CHANNEL] = "channel",
    [COL_SEQ] = "seq",
    [COL_CAPTURE] = "capture_us",
    [COL_SEND] = "send_us",
    [COL_RTT] = "rtt_ms",
    [COL_END_TO_END] = "end_to_end_ms",
    [COL_TRANSFER] = "transfer_mb_s",
    [COL_DECODED] = "decoded_us",
    [COL_LOST] = "lost",
    [COL_DROPPED] = "dropped",
};

/* The metric each latency column feeds. */
static const PlotsColumn plots_metric_columns[PLOTS_N_METRICS] = {
    [PLOTS_METRIC_RTT] = COL_RTT,
    [PLOTS_METRIC_END_TO_END] = COL_END_TO_END,
    [PLOTS_METRIC_TRANSFER] = COL_TRANSFER,
};

/* A file being read: where each wanted column sits, and the line in hand. */
typedef struct {
    const char *path;
    gint *wanted;              /* header position -> PlotsColumn, or -1 */
    guint n_header;            /* fields in the header */
    const char *field[N_COLS]; /* the current row's text of each wanted column, or NULL */
    guint line;                /* 1-based number of the current line */
} PlotsReader;

/* The table entry of metric. */
const PlotsMetricInfo *plots_metric_get_info(PlotsMetric metric)
{
    g_return_val_if_fail(metric < PLOTS_N_METRICS, NULL);
    return &plots_metrics[metric];
}

/* Cuts the line that starts at *cursor out of the buffer; NULL at the end. */
static char *plots_frames_next_line(char **cursor)
{
    char *line = *cursor;

    if (line == NULL || *line == '\0')
        return NULL;
    char *end = strchr(line, '\n');
    if (end != NULL) {
        *end = '\0';
        *cursor = end + 1;
    } else {
        *cursor = line + strlen(line);
    }
    gsize length = strlen(line);
    if (length > 0 && line[length - 1] == '\r')
        line[length - 1] = '\0';
    return line;
}

/* Splits line at commas (in place) into reader->field; FALSE when it has too few fields. */
static gboolean plots_frames_split(PlotsReader *reader, char *line)
{
    guint index = 0;
    char *field = line;

    memset(reader->field, 0, sizeof(reader->field));
    for (;;) {
        char *comma = strchr(field, ',');
        if (comma != NULL)
            *comma = '\0';
        if (index < reader->n_header && reader->wanted[index] >= 0)
            reader->field[reader->wanted[index]] = field;
        index++;
        if (comma == NULL)
            break;
        field = comma + 1;
    }
    return index >= reader->n_header;
}

/* Maps the header's names to columns; fails without the columns every chart needs. */
static gboolean plots_frames_read_header(PlotsReader *reader, const char *header, GError **error)
{
    g_auto(GStrv) names = g_strsplit(header, ",", -1);
    gboolean found[N_COLS] = {FALSE};

    reader->n_header = g_strv_length(names);
    reader->wanted = g_new(gint, reader->n_header);
    for (guint i = 0; i < reader->n_header; i++) {
        reader->wanted[i] = -1;
        for (guint c = 0; c < N_COLS; c++) {
            if (!found[c] && strcmp(g_strstrip(names[i]), plots_column_names[c]) == 0) {
                reader->wanted[i] = (gint)c;
                found[c] = TRUE;
            }
        }
    }
    if (!found[COL_CHANNEL] || (!found[COL_CAPTURE] && !found[COL_SEND]) ||
        (!found[COL_RTT] && !found[COL_END_TO_END])) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "%s: the header names no channel, time (capture_us, send_us) or latency "
                    "(rtt_ms, end_to_end_ms) column: \"%s\"",
                    reader->path, header);
        return FALSE;
    }
    return TRUE;
}

/* Reports a value that does not fit its column. */
static gboolean plots_frames_fail_value(const PlotsReader *reader, PlotsColumn column,
                                        GError **error)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "%s line %u, column %s: invalid value \"%s\"", reader->path, reader->line,
                plots_column_names[column], reader->field[column]);
    return FALSE;
}

/* Parses a time column; an empty or missing field is FRAME_RECORD_TIME_UNSET. */
static gboolean plots_frames_parse_time(const PlotsReader *reader, PlotsColumn column, gint64 *out,
                                        GError **error)
{
    const char *text = reader->field[column];

    *out = FRAME_RECORD_TIME_UNSET;
    if (text == NULL || *text == '\0')
        return TRUE;
    if (!g_ascii_string_to_signed(text, 10, G_MININT64 + 1, G_MAXINT64, out, NULL))
        return plots_frames_fail_value(reader, column, error);
    return TRUE;
}

/* Parses a millisecond column; an empty or missing field is NAN. */
static gboolean plots_frames_parse_ms(const PlotsReader *reader, PlotsColumn column, double *out,
                                      GError **error)
{
    const char *text = reader->field[column];
    char *end = NULL;

    *out = NAN;
    if (text == NULL || *text == '\0')
        return TRUE;
    *out = g_ascii_strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(*out))
        return plots_frames_fail_value(reader, column, error);
    return TRUE;
}

/* Parses an unsigned column (seq, 0/1 flags) up to max; an empty or missing field is 0. */
static gboolean plots_frames_parse_uint(const PlotsReader *reader, PlotsColumn column, guint64 max,
                                        guint64 *out, GError **error)
{
    const char *text = reader->field[column];

    *out = 0;
    if (text == NULL || *text == '\0')
        return TRUE;
    if (!g_ascii_string_to_unsigned(text, 10, 0, max, out, NULL))
        return plots_frames_fail_value(reader, column, error);
    return TRUE;
}

/* Widens frames' time span to include t_us. */
static void plots_frames_extend_span(PlotsFrames *frames, gint64 t_us)
{
    if (!frame_record_time_is_set(t_us))
        return;
    if (!frame_record_time_is_set(frames->t0_us) || t_us < frames->t0_us)
        frames->t0_us = t_us;
    if (!frame_record_time_is_set(frames->t1_us) || t_us > frames->t1_us)
        frames->t1_us = t_us;
}

/* Adds the row in reader->field to its channel. */
static gboolean plots_frames_add_row(PlotsFrames *frames, const PlotsReader *reader, GError **error)
{
    LcChanKind channel;
    gint64 capture_us, send_us, decoded_us;
    guint64 seq, lost, dropped;

    if (reader->field[COL_CHANNEL] == NULL ||
        !chan_kind_from_name(reader->field[COL_CHANNEL], &channel))
        return plots_frames_fail_value(reader, COL_CHANNEL, error);
    if (!plots_frames_parse_time(reader, COL_CAPTURE, &capture_us, error) ||
        !plots_frames_parse_time(reader, COL_SEND, &send_us, error) ||
        !plots_frames_parse_time(reader, COL_DECODED, &decoded_us, error) ||
        !plots_frames_parse_uint(reader, COL_SEQ, G_MAXUINT64, &seq, error) ||
        !plots_frames_parse_uint(reader, COL_LOST, 1, &lost, error) ||
        !plots_frames_parse_uint(reader, COL_DROPPED, 1, &dropped, error))
        return FALSE;

    PlotsChannel *chan = &frames->channels[channel];
    gint64 t_us = frame_record_time_is_set(capture_us) ? capture_us : send_us;
    chan->rows++;
    plots_frames_extend_span(frames, t_us);
    frames->has_decoded |= frame_record_time_is_set(decoded_us);
    for (guint m = 0; m < PLOTS_N_METRICS; m++) {
        PlotsSample sample = {
            .t_us = t_us, .seq = seq, .decoded = frame_record_time_is_set(decoded_us)};
        if (!plots_frames_parse_ms(reader, plots_metric_columns[m], &sample.ms, error))
            return FALSE;
        if (!isnan(sample.ms))
            g_array_append_val(chan->samples[m], sample);
    }
    if (lost && frame_record_time_is_set(t_us))
        g_array_append_val(chan->lost, t_us);
    if (dropped && frame_record_time_is_set(t_us))
        g_array_append_val(chan->dropped, t_us);
    if (!frame_record_time_is_set(decoded_us) && frame_record_time_is_set(t_us))
        g_array_append_val(chan->undecoded, t_us);
    return TRUE;
}

/* Reads the rows after the header; counts them in *n_rows. */
static gboolean plots_frames_read_rows(PlotsFrames *frames, PlotsReader *reader, char *cursor,
                                       guint64 *n_rows, GError **error)
{
    char *line;

    *n_rows = 0;
    while ((line = plots_frames_next_line(&cursor)) != NULL) {
        reader->line++;
        if (*line == '\0')
            continue;
        if (!plots_frames_split(reader, line)) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "%s line %u: fewer fields than the header's %u", reader->path, reader->line,
                        reader->n_header);
            return FALSE;
        }
        if (!plots_frames_add_row(frames, reader, error))
            return FALSE;
        (*n_rows)++;
    }
    return TRUE;
}

/* Sets frames to "no rows". */
static void plots_frames_init(PlotsFrames *frames)
{
    memset(frames, 0, sizeof(*frames));
    frames->t0_us = FRAME_RECORD_TIME_UNSET;
    frames->origin = "the first frame was captured";
    frames->t1_us = FRAME_RECORD_TIME_UNSET;
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        PlotsChannel *chan = &frames->channels[c];
        for (guint m = 0; m < PLOTS_N_METRICS; m++)
            chan->samples[m] = g_array_new(FALSE, FALSE, sizeof(PlotsSample));
        chan->lost = g_array_new(FALSE, FALSE, sizeof(gint64));
        chan->dropped = g_array_new(FALSE, FALSE, sizeof(gint64));
        chan->undecoded = g_array_new(FALSE, FALSE, sizeof(gint64));
    }
    frames->marks = &plots_marks_lost;
}

/* Reports a file without frames. */
static gboolean plots_frames_fail_empty(const char *path, GError **error)
{
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s has no frames: nothing to plot",
                path);
    return FALSE;
}

/* When the file knows decode times, end to end means capture to decoded:
 * the rows of frames that arrived and were not decoded (their end to end
 * falls back to the arrival) are left out, as the table leaves them out. */
static void plots_frames_keep_decoded(PlotsFrames *frames)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        GArray *samples = frames->channels[c].samples[PLOTS_METRIC_END_TO_END];
        guint kept = 0;
        for (guint i = 0; i < samples->len; i++) {
            PlotsSample sample = g_array_index(samples, PlotsSample, i);
            if (sample.decoded)
                g_array_index(samples, PlotsSample, kept++) = sample;
        }
        g_array_set_size(samples, kept);
    }
}

/* Reads path (frames.csv) into frames, which the caller clears with plots_frames_clear(). */
gboolean plots_frames_load(const char *path, PlotsFrames *frames, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) read_error = NULL;
    PlotsReader reader = {.path = path, .line = 1};
    guint64 n_rows = 0;

    plots_frames_init(frames);
    if (!g_file_get_contents(path, &text, NULL, &read_error)) {
        gint code = g_error_matches(read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                        ? G_IO_ERROR_NOT_FOUND
                        : G_IO_ERROR_FAILED;
        g_set_error(error, G_IO_ERROR, code, "%s", read_error->message);
        return FALSE;
    }
    char *cursor = text;
    char *header = plots_frames_next_line(&cursor);
    if (header == NULL || *header == '\0')
        return plots_frames_fail_empty(path, error);
    gboolean ok = plots_frames_read_header(&reader, header, error) &&
                  plots_frames_read_rows(frames, &reader, cursor, &n_rows, error);
    g_free(reader.wanted);
    if (!ok)
        return FALSE;
    if (n_rows == 0)
        return plots_frames_fail_empty(path, error);
    if (frames->has_decoded)
        plots_frames_keep_decoded(frames);
    return TRUE;
}

/* Frees what plots_frames_load() filled in. */
void plots_frames_clear(PlotsFrames *frames)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        PlotsChannel *chan = &frames->channels[c];
        for (guint m = 0; m < PLOTS_N_METRICS; m++)
            g_clear_pointer(&chan->samples[m], g_array_unref);
        g_clear_pointer(&chan->lost, g_array_unref);
        g_clear_pointer(&chan->dropped, g_array_unref);
        g_clear_pointer(&chan->undecoded, g_array_unref);
    }
}

/* Whether channel has rows in the file. */
gboolean plots_frames_has_channel(const PlotsFrames *frames, LcChanKind channel)
{
    return frames->channels[channel].rows > 0;
}

/* Whether any channel has samples of metric. */
gboolean plots_frames_has_metric(const PlotsFrames *frames, PlotsMetric metric)
{
    for (guint c = 0; c < LC_CHAN_KINDS; c++) {
        if (frames->channels[c].samples[metric]->len > 0)
            return TRUE;
    }
    return FALSE;
}
