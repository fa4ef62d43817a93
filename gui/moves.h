/* gui/moves.h: the scene as it stands after live migrations.
 *
 * A migrated VM keeps its devices and their paths ("host1/vm1/eth0") but
 * runs on another host from the migration on: its vCPUs there, its tap
 * on the destination's bridge of the same name (models/core/migrate.h).
 * The picture follows: from the end of a migration's downtime on (until
 * then the VM is stopped on its source host, frames for it waiting in
 * its tap there), the window is laid out from a copy of the scene in which the guest's parent is the
 * destination host and each link between the guest's devices and a
 * device of its source host joins instead the device of the same name on
 * the destination ("host1/br0" becomes "host2/br0"), or is gone if the
 * destination has none.
 *
 * A phase is the span between two migrations: phase 0 is the scene as
 * recorded, phase k the scene after the first k migrate marks. */
#ifndef VH_GUI_MOVES_H
#define VH_GUI_MOVES_H 1

#include <stddef.h>

#include "record/scene.h"
#include "sim/time.h"

/* Phases beyond this one keep its picture. */
#define GUI_MAX_PHASES 8

/* The times the phases start ('starts[0]' is 0; each migrate mark's
 * 'until', in order), at most 'max'; returns
 * how many.  One phase (the scene as recorded) without migrations. */
size_t gui_moves_phases(const struct gui_scene *, vh_time_t *starts,
                        size_t max);

/* The scene of phase 'k' (> 0): 'sc' with its first 'k' migrations done.
 * Shares 'sc''s strings and tables, so 'sc' must outlive it; free it with
 * gui_moves_free(). */
struct gui_scene *gui_moves_scene(const struct gui_scene *sc, size_t k);
void gui_moves_free(struct gui_scene *);

/* The phase 'starts' (of 'n') puts time 't' in. */
size_t gui_moves_phase_at(const vh_time_t *starts, size_t n, vh_time_t t);

#endif /* gui/moves.h */
