/* byte_size.h: sizes and rates in bytes as people write and read them:
 * "750", "64K", "100M", "2G", "1.5GiB" (powers of 1024), and back
 * ("1.5 GiB"). */
#pragma once

#include <glib.h>

/* Parses a size: a number, optionally with K, M, G or T (1024, 1024^2,
 * ...), optionally followed by "B" or "iB"; FALSE with an error saying
 * what is expected. */
gboolean byte_size_parse(const char *text, guint64 *bytes, GError **error);

/* A size for people: "512 B", "3.0 KiB", "1.5 GiB" (newly allocated). */
char *byte_size_format(double bytes);
