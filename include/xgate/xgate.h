/*
 * xgate/xgate.h — the whole public API of libxgate: restricted-party screening, export-control
 * classification, access decisions and tender scanning. One header per module; this one includes
 * them all. Conventions: functions are xg_<module>_<verb>(out, in…), return 0 or a negative XG_E*
 * code (xgate/error.h) and never print or exit.
 */
#ifndef XGATE_XGATE_H
#define XGATE_XGATE_H

#include "xgate/error.h"
#include "xgate/core.h"
#include "xgate/csv.h"
#include "xgate/lists.h"
#include "xgate/text.h"
#include "xgate/screen.h"
#include "xgate/classify.h"
#include "xgate/country.h"
#include "xgate/store.h"
#include "xgate/decide.h"
#include "xgate/scan.h"
#include "xgate/server.h"
#include "xgate/config.h"
#include "xgate/monitor.h"

#endif
