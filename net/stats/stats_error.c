/* Error domain of the measurement estimators. */
#include "net/stats/stats_error.h"

/* Defines stats_error_quark(), the quark behind LC_STATS_ERROR. */
/* The error domain of this module. */
GQuark stats_error_quark(void)
{
    return g_quark_from_static_string("lc-stats-error-quark");
}
