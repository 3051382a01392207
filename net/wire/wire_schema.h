/* wire_schema.h: the layout of every message type (docs/PROTOCOL.md), for
 * the codec in wire.c only: each type is a table of fields (kind, offset in
 * LcWireMsg, size limit), walked alike by the encoder and the decoder. */
#pragma once

#include "net/wire/wire.h"

#include <stddef.h>

/* F_DATA: the rest of the payload as bytes (GBytes); only as a type's last field. */
typedef enum { F_U8, F_U16, F_U32, F_U64, F_STR, F_DATA } LcFieldKind;

/* String field options. */
#define F_NONEMPTY 0x01 /* at least one byte */
#define F_ASCII    0x02 /* printable ASCII only */

typedef struct {
    LcFieldKind kind;
    const char *name;
    gsize offset;
    guint16 max;    /* strings: longest allowed byte length */
    guint8 options; /* F_NONEMPTY, F_ASCII */
    guint8 err;     /* error code for a string over max */
} LcField;

typedef struct {
    guint8 type;
    const char *name;
    gsize max_payload;
    guint16 allowed_flags;
    const LcField *fields;
    guint n_fields;
    gboolean has_members; /* WELCOME: a u16 count and (nick, addr) pairs follow */
} LcSchema;

#define FIELD(kind, member, max, options, err)                                                     \
    {                                                                                              \
        kind, #member, offsetof(LcWireMsg, member), max, options, err                              \
    }
#define NUM(kind, member) FIELD(kind, member, 0, 0, 0)

/* The schema of a type, or NULL for an unknown one. */
const LcSchema *wire_schema_find(guint8 type);
/* The name of an ERROR code, or NULL for an unknown one. */
const char *wire_schema_error_name(guint16 code);
