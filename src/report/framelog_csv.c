/*
 * frames.csv: a header row, then one row per frame per channel. The columns
 * are one table (name, kind, field offset) that both the writer and the
 * parser walk, so the two cannot disagree. Unknown values are empty fields;
 * millisecond figures have three decimals, which is exact for values derived
 * from whole microseconds, so a row parses back to the same record.
 */
#include <gio/gio.h>
#include <math.h>
#include <stddef.h>

#include "src/report/framelog_report.h"
#include "src/report/report_private.h"

typedef enum {
    CSV_UINT,    /* guint64 */
    CSV_CHANNEL, /* LcChanKind, by name */
    CSV_TIME,    /* gint64 us, empty when FRAME_RECORD_TIME_UNSET */
    CSV_MS,      /* double ms, empty when NAN */
    CSV_FLAG,    /* gboolean as 0 or 1 */
} CsvKind;

typedef struct {
    const char *name;
    CsvKind kind;
    gsize offset; /* of the field within LcFrameRecord */
} CsvColumn;

#define CSV_COLUMN(field, kind)                                                                    \
    {                                                                                              \
#field, kind, offsetof(LcFrameRecord, field)                                               \
    }

static const CsvColumn csv_columns[] = {
    CSV_COLUMN(seq, CSV_UINT),
    CSV_COLUMN(channel, CSV_CHANNEL),
    CSV_COLUMN(bytes, CSV_UINT),
    CSV_COLUMN(capture_us, CSV_TIME),
    CSV_COLUMN(send_us, CSV_TIME),
    CSV_COLUMN(ack_us, CSV_TIME),
    CSV_COLUMN(relay_first_us, CSV_TIME),
    CSV_COLUMN(relay_last_us, CSV_TIME),
    CSV_COLUMN(viewer_recv_us, CSV_TIME),
    CSV_COLUMN(decoded_us, CSV_TIME),
    CSV_COLUMN(rtt_ms, CSV_MS),
    CSV_COLUMN(one_way_ms, CSV_MS),
    CSV_COLUMN(end_to_end_ms, CSV_MS),
    CSV_COLUMN(transfer_mb_s, CSV_MS),
    CSV_COLUMN(lost, CSV_FLAG),
    CSV_COLUMN(dropped, CSV_FLAG),
    CSV_COLUMN(corrupt, CSV_FLAG),
    CSV_COLUMN(key, CSV_FLAG),
};

/* The frames.csv header line, no newline. */
const char *framelog_csv_get_header(void)
{
    static gsize once = 0;
    static char *header = NULL;

    if (g_once_init_enter(&once)) {
        GString *text = g_string_new(NULL);
        for (gsize i = 0; i < G_N_ELEMENTS(csv_columns); i++)
            g_string_append_printf(text, "%s%s", i > 0 ? "," : "", csv_columns[i].name);
        header = g_string_free(text, FALSE);
        g_once_init_leave(&once, 1);
    }
    return header;
}

/* Appends one field of record as text. */
static void framelog_csv_append_field(GString *out, const LcFrameRecord *record,
                                      const CsvColumn *column)
{
    const guint8 *field = (const guint8 *)record + column->offset;
    char number[G_ASCII_DTOSTR_BUF_SIZE];

    switch (column->kind) {
    case CSV_UINT:
        g_string_append_printf(out, "%" G_GUINT64_FORMAT, *(const guint64 *)field);
        break;
    case CSV_CHANNEL:
        g_string_append(out, chan_kind_name(*(const LcChanKind *)field));
        break;
    case CSV_TIME:
        if (frame_record_time_is_set(*(const gint64 *)field))
            g_string_append_printf(out, "%" G_GINT64_FORMAT, *(const gint64 *)field);
        break;
    case CSV_MS:
        if (isfinite(*(const double *)field))
            g_string_append(
                out, g_ascii_formatd(number, sizeof(number), "%.3f", *(const double *)field));
        break;
    case CSV_FLAG:
        g_string_append_c(out, *(const gboolean *)field ? '1' : '0');
        break;
    }
}

/* Appends one CSV row for record, newline included. */
void framelog_csv_append_row(GString *out, const LcFrameRecord *record)
{
    g_return_if_fail(out != NULL && record != NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(csv_columns); i++) {
        if (i > 0)
            g_string_append_c(out, ',');
        framelog_csv_append_field(out, record, &csv_columns[i]);
    }
    g_string_append_c(out, '\n');
}

/* Parses a whole-number field into *out. */
static gboolean framelog_csv_parse_uint(const char *text, guint64 max, guint64 *out)
{
    return g_ascii_string_to_unsigned(text, 10, 0, max, out, NULL);
}

/* Parses a decimal number (ms) into *out; the whole text must be the number. */
static gboolean framelog_csv_parse_double(const char *text, double *out)
{
    char *end = NULL;

    *out = g_ascii_strtod(text, &end);
    return end != text && *end == '\0' && isfinite(*out);
}

/* Parses one field into record; FALSE when the text does not fit the column. */
static gboolean framelog_csv_parse_field(const char *text, LcFrameRecord *record,
                                         const CsvColumn *column)
{
    guint8 *field = (guint8 *)record + column->offset;
    guint64 number = 0;

    switch (column->kind) {
    case CSV_UINT:
        return framelog_csv_parse_uint(text, G_MAXUINT64, (guint64 *)field);
    case CSV_CHANNEL:
        return chan_kind_from_name(text, (LcChanKind *)field);
    case CSV_TIME:
        if (*text == '\0')
            return TRUE; /* stays FRAME_RECORD_TIME_UNSET */
        return g_ascii_string_to_signed(text, 10, G_MININT64 + 1, G_MAXINT64, (gint64 *)field,
                                        NULL);
    case CSV_MS:
        if (*text == '\0')
            return TRUE; /* stays NAN */
        return framelog_csv_parse_double(text, (double *)field);
    case CSV_FLAG:
        if (!framelog_csv_parse_uint(text, 1, &number))
            return FALSE;
        *(gboolean *)field = number != 0;
        return TRUE;
    }
    return FALSE;
}

/* Parses one CSV row back into record. */
gboolean framelog_csv_parse_row(const char *line, LcFrameRecord *record, GError **error)
{
    g_return_val_if_fail(line != NULL && record != NULL, FALSE);

    g_autofree char *copy = g_strdup(line);
    g_strchomp(copy);
    g_auto(GStrv) fields = g_strsplit(copy, ",", -1);
    if (g_strv_length(fields) != G_N_ELEMENTS(csv_columns)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "frames.csv row has %u fields, expected %u: %s", g_strv_length(fields),
                    (guint)G_N_ELEMENTS(csv_columns), copy);
        return FALSE;
    }
    LcFrameRecord parsed;
    frame_record_init(&parsed, LC_CHAN_TCP, 0);
    for (gsize i = 0; i < G_N_ELEMENTS(csv_columns); i++) {
        if (!framelog_csv_parse_field(fields[i], &parsed, &csv_columns[i])) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "frames.csv column %s: invalid value \"%s\"", csv_columns[i].name,
                        fields[i]);
            return FALSE;
        }
    }
    *record = parsed;
    return TRUE;
}

/* Writes frames.csv: the header and one row per record, ordered by seq then channel. */
gboolean framelog_write_csv(const LcFramelog *log, const char *path, GError **error)
{
    g_return_val_if_fail(log != NULL && path != NULL, FALSE);

    g_autoptr(GPtrArray) records = framelog_get_records(log);
    g_autoptr(GString) text = g_string_new(framelog_csv_get_header());
    g_string_append_c(text, '\n');
    for (guint i = 0; i < records->len; i++)
        framelog_csv_append_row(text, g_ptr_array_index(records, i));
    return framelog_write_text(path, text->str, text->len, error);
}
