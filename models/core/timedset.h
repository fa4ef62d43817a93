/* models/core/timedset.h: timed "set" events, a field of the scenario
 * changed during the run.
 *
 * A variant changes a field before the run; an event of action "set"
 * changes it at a time, with the same "PATH.field" keys.  The loader has
 * already made the change on a copy of the scenario and loaded it, so
 * the value is one the field can take (cfg_event.set_trial).  What can
 * change while packets are moving is what a running system lets an
 * operator change:
 *
 *   FLOW.rate          the sender's rate (its next packet, or burst, is
 *                      due 1/rate after its last one, or at once);
 *   HOST.cpu.ghz       the clock of every core of the host (frequency
 *                      scaling: work already under way keeps its time);
 *   HOST/NIC.speed     the NIC's end of its cable, as "ethtool -s eth0
 *   SWITCH.speed       speed" (the cable runs at the lower of its two
 *                      ends; a frame being serialized finishes at the
 *                      old speed), or every port of a switch.
 *
 * Any other field is refused when the world is built, naming the key:
 * "not supported yet: changing FIELD during the run", since a variant can
 * still change it before the run. */
#ifndef VH_MODELS_TIMEDSET_H
#define VH_MODELS_TIMEDSET_H 1

#include <stdbool.h>

#include "sim/diag.h"

struct cfg_event;
struct world;

/* Checks every change of set event 'e' and schedules them at e->at. */
bool timedset_schedule(struct world *, const struct cfg_event *e,
                       struct vh_diag *diag);

#endif /* models/core/timedset.h */
