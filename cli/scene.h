/* cli/scene.h: the scene (record/scene.h) of a built world, for the
 * recordings of 'vhsim run --record' and the GUI's live runs. */
#ifndef VH_CLI_SCENE_H
#define VH_CLI_SCENE_H 1

#include "record/scene.h"

struct world;
struct cfg_scenario;

/* Fills 'sc' with what the GUI needs to know of a built world: its
 * topology, cores per host, flows, cycle categories, timed events, a
 * note on each guest NIC's backend and on each Open vSwitch kernel
 * datapath and its ovs-vswitchd threads.  'variant' NULL means the
 * base. */
void cli_gui_scene(struct gui_scene *sc, const struct world *w,
                   const struct cfg_scenario *cfg, const char *variant);

#endif /* cli/scene.h */
