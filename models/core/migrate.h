/* models/core/migrate.h: live migration of a VM to another host.
 *
 * The event's time is the start of the stop-and-copy phase: the VM stops
 * (its applications send nothing, its vhost or QEMU backend stops serving
 * the rings, frames for it pile up in its tap on the source host) for the
 * downtime.  Then it resumes on the destination: its vCPUs on the
 * destination's cores, its backend threads there, its tap on the bridge of
 * the same name; the source tap is closed and what waited in it is lost
 * ("migration").  The virtqueues' contents travel with the guest's memory.
 * Finally QEMU announces the VM from its new place: broadcast RARP frames
 * with the VM's MAC, at 0, 50, 200, 450 and 800 ms after resuming (QEMU's
 * defaults: five rounds, 50 ms initial, 100 ms step), so the bridges and
 * switches on the way learn where it is now.
 *
 * With VDP (models/hostnet/vdp_station.h), the source host's station
 * de-associates the VM's VSIs from its switch port at the start of the
 * downtime while the destination's pre-associates them, and the
 * destination's associates them when the VM resumes.
 *
 * The VM keeps its scenario path ("host1/vm1") after moving. */
#ifndef VH_MODELS_MIGRATE_H
#define VH_MODELS_MIGRATE_H 1

#include <stdbool.h>

#include "models/core/config.h"
#include "sim/diag.h"

struct world;

/* Prepares the migration of event 'e' (action migrate).  Returns false
 * with 'diag' set if the world cannot carry it out. */
bool migrate_schedule(struct world *, const struct cfg_event *e,
                      struct vh_diag *diag);

#endif /* models/core/migrate.h */
