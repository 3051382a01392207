/* linkemu_spec: parsing and formatting the impairment text of an emulated link. */
#include "net/linkemu/linkemu_spec.h"

#include <string.h>

/* The error domain of this module. */
GQuark linkemu_spec_error_quark(void)
{
    return g_quark_from_static_string("lc-linkemu-spec-error-quark");
}

/* A unit written after a number, and how many base units one of it is. */
typedef struct {
    const char *name; /* compared ignoring case */
    guint64 scale;
} SpecUnit;

static const SpecUnit spec_time_units[] = {
    {"us", 1}, {"ms", 1000}, {"s", G_USEC_PER_SEC}, {NULL, 0}};
static const SpecUnit spec_rate_units[] = {
    {"bit", 1}, {"kbit", 1000}, {"mbit", 1000000}, {"gbit", 1000000000}, {NULL, 0}};
/* Byte sizes follow tc: kb and mb are powers of 1024. */
static const SpecUnit spec_byte_units[] = {{"b", 1}, {"kb", 1024}, {"mb", 1048576}, {NULL, 0}};
static const SpecUnit spec_packet_units[] = {{"", 1}, {"p", 1}, {"pkt", 1}, {"pkts", 1}, {NULL, 0}};

/* Loss written with % is in percent; one percent is this many ppm. */
#define SPEC_PPM_PER_PERCENT 10000u
/* At most this many digits after the point, so that fraction * scale fits in 64 bits. */
#define SPEC_MAX_DECIMALS 9

/* A non-negative decimal number as written, followed by its unit text. */
typedef struct {
    guint64 whole;     /* digits before the point */
    guint64 frac;      /* digits after the point, as an integer */
    guint frac_digits; /* how many digits follow the point */
    gboolean nonzero;  /* any digit other than 0 */
    const char *unit;  /* the rest of the text */
} SpecNumber;

/* One key of the spec and the function that reads its value. */
typedef struct {
    const char *key;
    gboolean (*parse)(const char *item, const char *value, LcLinkSpec *spec, GError **error);
} SpecKey;

/* Sets error to "ITEM: REASON", naming the part of the spec that is wrong. */
G_GNUC_PRINTF(3, 4)
static gboolean spec_fail(GError **error, const char *item, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    g_autofree gchar *reason = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, LINKEMU_SPEC_ERROR, LINKEMU_SPEC_ERROR_INVALID, "%s: %s", item, reason);
    return FALSE;
}

/* Adds one decimal digit to *acc; FALSE on overflow. */
static gboolean spec_digit_push(guint64 *acc, char c)
{
    guint64 shifted;
    if (!g_uint64_checked_mul(&shifted, *acc, 10))
        return FALSE;
    return g_uint64_checked_add(acc, shifted, (guint64)(c - '0'));
}

/* Reads the decimal number at the start of text; on failure *reason says why. */
static gboolean spec_number_read(const char *text, SpecNumber *num, const char **reason)
{
    const char *p = text;
    memset(num, 0, sizeof *num);
    if (!g_ascii_isdigit(*p) && !(*p == '.' && g_ascii_isdigit(p[1]))) {
        *reason = "expected a non-negative number";
        return FALSE;
    }
    for (; g_ascii_isdigit(*p); p++) {
        num->nonzero |= *p != '0';
        if (!spec_digit_push(&num->whole, *p)) {
            *reason = "number too large";
            return FALSE;
        }
    }
    if (*p == '.') {
        for (p++; g_ascii_isdigit(*p); p++) {
            if (num->frac_digits == SPEC_MAX_DECIMALS) {
                *reason = "too many decimals (at most 9)";
                return FALSE;
            }
            num->nonzero |= *p != '0';
            spec_digit_push(&num->frac, *p);
            num->frac_digits++;
        }
    }
    num->unit = p;
    return TRUE;
}

/* Converts num to base units (num * scale, rounded to nearest); FALSE on overflow. */
static gboolean spec_number_scale(const SpecNumber *num, guint64 scale, guint64 *out)
{
    guint64 whole_scaled;
    guint64 pow10 = 1;

    g_assert(scale <= 1000000000u);
    for (guint i = 0; i < num->frac_digits; i++)
        pow10 *= 10;
    if (!g_uint64_checked_mul(&whole_scaled, num->whole, scale))
        return FALSE;
    /* frac < 10^9 and scale <= 10^9, so the product fits in 64 bits. */
    guint64 frac_scaled = (num->frac * scale + pow10 / 2) / pow10;
    return g_uint64_checked_add(out, whole_scaled, frac_scaled);
}

/* Finds name in units (ignoring case); NULL when absent. */
static const SpecUnit *spec_unit_find(const SpecUnit *units, const char *name)
{
    for (const SpecUnit *u = units; u->name != NULL; u++) {
        if (g_ascii_strcasecmp(u->name, name) == 0)
            return u;
    }
    return NULL;
}

/* Reads a number with a unit from units; expected lists the units for the error message. */
static gboolean spec_read_scaled(const char *item, const char *value, const SpecUnit *units,
                                 const char *expected, guint64 *out, SpecNumber *num,
                                 GError **error)
{
    const char *reason = NULL;
    if (!spec_number_read(value, num, &reason))
        return spec_fail(error, item, "%s", reason);
    const SpecUnit *unit = spec_unit_find(units, num->unit);
    if (unit == NULL && *num->unit == '\0')
        return spec_fail(error, item, "missing unit (%s)", expected);
    if (unit == NULL)
        return spec_fail(error, item, "unknown unit '%s' (%s)", num->unit, expected);
    if (!spec_number_scale(num, unit->scale, out))
        return spec_fail(error, item, "number too large");
    return TRUE;
}

/* Reads a time (us, ms, s) in microseconds. */
static gboolean spec_parse_time(const char *item, const char *value, guint64 *out, GError **error)
{
    SpecNumber num;
    guint64 us = 0;
    if (!spec_read_scaled(item, value, spec_time_units, "us, ms or s", &us, &num, error))
        return FALSE;
    if (us > LINKEMU_SPEC_MAX_TIME_US)
        return spec_fail(error, item, "longer than the maximum of 60s");
    if (us == 0 && num.nonzero)
        return spec_fail(error, item, "below the resolution of 1us");
    *out = us;
    return TRUE;
}

/* Reads delay=TIME. */
static gboolean spec_parse_delay(const char *item, const char *value, LcLinkSpec *spec,
                                 GError **error)
{
    return spec_parse_time(item, value, &spec->delay_us, error);
}

/* Reads jitter=TIME. */
static gboolean spec_parse_jitter(const char *item, const char *value, LcLinkSpec *spec,
                                  GError **error)
{
    return spec_parse_time(item, value, &spec->jitter_us, error);
}

/* Reads loss=P% or loss=FRACTION (a bare number below 1). */
static gboolean spec_parse_loss(const char *item, const char *value, LcLinkSpec *spec,
                                GError **error)
{
    SpecNumber num;
    const char *reason = NULL;
    guint64 ppm = 0;
    guint64 scale = SPEC_PPM_PER_PERCENT;

    if (!spec_number_read(value, &num, &reason))
        return spec_fail(error, item, "%s", reason);
    if (*num.unit == '\0') {
        if (num.whole >= 1)
            return spec_fail(error, item,
                             "a bare loss is a fraction below 1 (write loss=%s%% for percent)",
                             value);
        scale = LINKEMU_SPEC_PPM;
    } else if (strcmp(num.unit, "%") != 0) {
        return spec_fail(error, item, "unknown unit '%s' (%% or none for a fraction)", num.unit);
    }
    if (!spec_number_scale(&num, scale, &ppm) || ppm > LINKEMU_SPEC_PPM)
        return spec_fail(error, item, "above 100%%");
    if (ppm == 0 && num.nonzero)
        return spec_fail(error, item, "below the resolution of 0.0001%%");
    spec->loss_ppm = (guint32)ppm;
    return TRUE;
}

/* Reads rate=N with bit, kbit, mbit or gbit. */
static gboolean spec_parse_rate(const char *item, const char *value, LcLinkSpec *spec,
                                GError **error)
{
    SpecNumber num;
    guint64 bps = 0;
    if (!spec_read_scaled(item, value, spec_rate_units, "bit, kbit, mbit or gbit", &bps, &num,
                          error))
        return FALSE;
    if (bps == 0)
        return spec_fail(error, item, "must be above 0 (leave rate out for an unlimited link)");
    if (bps > LINKEMU_SPEC_MAX_RATE_BPS)
        return spec_fail(error, item, "above the maximum of 100gbit");
    spec->rate_bps = bps;
    return TRUE;
}

/* Reads queue=N (packets, optionally with p/pkt/pkts) or queue=N with b, kb or mb. */
static gboolean spec_parse_queue(const char *item, const char *value, LcLinkSpec *spec,
                                 GError **error)
{
    SpecNumber num;
    const char *reason = NULL;
    guint64 n = 0;

    if (!spec_number_read(value, &num, &reason))
        return spec_fail(error, item, "%s", reason);
    if (spec_unit_find(spec_packet_units, num.unit) != NULL) {
        if (num.frac_digits > 0)
            return spec_fail(error, item, "a packet count is a whole number");
        if (num.whole == 0 || num.whole > LINKEMU_SPEC_MAX_QUEUE_PACKETS)
            return spec_fail(error, item, "a packet limit is between 1 and %u",
                             LINKEMU_SPEC_MAX_QUEUE_PACKETS);
        spec->queue_packets = (guint32)num.whole;
        return TRUE;
    }
    if (!spec_read_scaled(item, value, spec_byte_units, "none or pkt for packets; b, kb or mb", &n,
                          &num, error))
        return FALSE;
    if (n < LINKEMU_SPEC_MIN_QUEUE_BYTES)
        return spec_fail(error, item, "a byte limit must hold one %u-byte packet",
                         LINKEMU_SPEC_MIN_QUEUE_BYTES);
    if (n > LINKEMU_SPEC_MAX_QUEUE_BYTES)
        return spec_fail(error, item, "above the maximum of 1024mb");
    spec->queue_bytes = n;
    return TRUE;
}

static const SpecKey spec_keys[] = {
    {"delay", spec_parse_delay}, {"jitter", spec_parse_jitter}, {"loss", spec_parse_loss},
    {"rate", spec_parse_rate},   {"queue", spec_parse_queue},
};

/* Reads one "key=value" item; seen has a bit per key already given. */
static gboolean spec_parse_item(gchar *item, LcLinkSpec *spec, guint *seen, GError **error)
{
    if (*item == '\0') {
        g_set_error(error, LINKEMU_SPEC_ERROR, LINKEMU_SPEC_ERROR_INVALID,
                    "empty item in the link spec (a stray comma?)");
        return FALSE;
    }
    gchar *eq = strchr(item, '=');
    if (eq == NULL)
        return spec_fail(error, item, "expected key=value");
    g_autofree gchar *key = g_strstrip(g_strndup(item, (gsize)(eq - item)));
    g_autofree gchar *value = g_strstrip(g_strdup(eq + 1));
    for (guint i = 0; i < G_N_ELEMENTS(spec_keys); i++) {
        if (g_ascii_strcasecmp(key, spec_keys[i].key) != 0)
            continue;
        if (*seen & (1u << i))
            return spec_fail(error, item, "'%s' given twice", spec_keys[i].key);
        *seen |= 1u << i;
        return spec_keys[i].parse(item, value, spec, error);
    }
    return spec_fail(error, item, "unknown key '%s' (expected delay, jitter, loss, rate or queue)",
                     key);
}

/* Appends value in the largest unit of units that divides it exactly (0 in the smallest). */
static void spec_append_scaled(GString *out, guint64 value, const SpecUnit *units)
{
    const SpecUnit *best = &units[0];
    for (const SpecUnit *u = units; value > 0 && u->name != NULL; u++) {
        if (value % u->scale == 0)
            best = u;
    }
    g_string_append_printf(out, "%" G_GUINT64_FORMAT "%s", value / best->scale, best->name);
}

/* Appends the queue limit: a bare packet count, or bytes with a unit. */
static void spec_append_queue(GString *out, const LcLinkSpec *spec)
{
    if (spec->queue_packets > 0)
        g_string_append_printf(out, "%u", spec->queue_packets);
    else
        spec_append_scaled(out, spec->queue_bytes, spec_byte_units);
}

/* Checks the rules that tie keys together. */
static gboolean spec_check(const LcLinkSpec *spec, GError **error)
{
    if (spec->jitter_us > spec->delay_us) {
        g_autoptr(GString) item = g_string_new("jitter=");
        spec_append_scaled(item, spec->jitter_us, spec_time_units);
        g_autoptr(GString) delay = g_string_new("delay=");
        spec_append_scaled(delay, spec->delay_us, spec_time_units);
        return spec_fail(error, item->str, "larger than %s (the delay would go negative)",
                         delay->str);
    }
    if ((spec->queue_packets > 0 || spec->queue_bytes > 0) && spec->rate_bps == 0) {
        g_autoptr(GString) item = g_string_new("queue=");
        spec_append_queue(item, spec);
        return spec_fail(error, item->str,
                         "a queue limit needs a rate (without one no packet waits in the queue)");
    }
    return TRUE;
}

/* Sets spec to a perfect link: no delay, no loss, no rate limit. */
void linkemu_spec_init(LcLinkSpec *spec)
{
    memset(spec, 0, sizeof *spec);
}

/* Parses text ("none" or comma-separated key=value items) into spec; spec is untouched on error. */
gboolean linkemu_spec_parse(const char *text, LcLinkSpec *spec, GError **error)
{
    LcLinkSpec parsed;
    guint seen = 0;

    g_return_val_if_fail(text != NULL && spec != NULL, FALSE);
    linkemu_spec_init(&parsed);
    g_autofree gchar *trimmed = g_strstrip(g_strdup(text));
    if (*trimmed == '\0') {
        g_set_error(error, LINKEMU_SPEC_ERROR, LINKEMU_SPEC_ERROR_INVALID,
                    "the link spec is empty (write none for a perfect link)");
        return FALSE;
    }
    if (g_ascii_strcasecmp(trimmed, "none") != 0) {
        g_auto(GStrv) items = g_strsplit(trimmed, ",", -1);
        for (guint i = 0; items[i] != NULL; i++) {
            if (!spec_parse_item(g_strstrip(items[i]), &parsed, &seen, error))
                return FALSE;
        }
        if (!spec_check(&parsed, error))
            return FALSE;
    }
    *spec = parsed;
    return TRUE;
}

/* Appends ",key=" (or "key=" first) to out. */
static void spec_append_key(GString *out, const char *key)
{
    if (out->len > 0)
        g_string_append_c(out, ',');
    g_string_append_printf(out, "%s=", key);
}

/* Appends loss as a percentage with no trailing zeros ("2.5%"). */
static void spec_append_loss(GString *out, guint32 ppm)
{
    guint32 whole = ppm / SPEC_PPM_PER_PERCENT;
    guint32 rest = ppm % SPEC_PPM_PER_PERCENT;
    g_string_append_printf(out, "%u", whole);
    if (rest > 0) {
        g_autofree gchar *digits = g_strdup_printf("%04u", rest);
        gsize len = strlen(digits);
        while (len > 0 && digits[len - 1] == '0')
            digits[--len] = '\0';
        g_string_append_printf(out, ".%s", digits);
    }
    g_string_append_c(out, '%');
}

/* Returns the canonical text of spec ("none" for a perfect link); parses back to the same spec. */
gchar *linkemu_spec_format(const LcLinkSpec *spec)
{
    GString *out = g_string_new(NULL);
    if (spec->delay_us > 0) {
        spec_append_key(out, "delay");
        spec_append_scaled(out, spec->delay_us, spec_time_units);
    }
    if (spec->jitter_us > 0) {
        spec_append_key(out, "jitter");
        spec_append_scaled(out, spec->jitter_us, spec_time_units);
    }
    if (spec->loss_ppm > 0) {
        spec_append_key(out, "loss");
        spec_append_loss(out, spec->loss_ppm);
    }
    if (spec->rate_bps > 0) {
        spec_append_key(out, "rate");
        spec_append_scaled(out, spec->rate_bps, spec_rate_units);
    }
    if (spec->queue_packets > 0 || spec->queue_bytes > 0) {
        spec_append_key(out, "queue");
        spec_append_queue(out, spec);
    }
    if (out->len == 0)
        g_string_append(out, "none");
    return g_string_free(out, FALSE);
}

/* Whether spec leaves packets untouched. */
gboolean linkemu_spec_is_none(const LcLinkSpec *spec)
{
    return spec->delay_us == 0 && spec->jitter_us == 0 && spec->loss_ppm == 0 &&
           spec->rate_bps == 0 && spec->queue_packets == 0 && spec->queue_bytes == 0;
}
