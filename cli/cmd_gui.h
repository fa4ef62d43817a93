/* cli/cmd_gui.h: 'vhsim gui', and the scene a recording starts with. */
#ifndef VH_CLI_CMD_GUI_H
#define VH_CLI_CMD_GUI_H 1

#include "record/scene.h"

struct world;
struct cfg_scenario;

int cmd_gui(int argc, char **argv);

/* Fills 'sc' with what the GUI needs to know of a built world: its
 * topology, cores per host, flows, cycle categories, timed events, and a
 * note on each guest NIC's backend.  'variant' NULL means the base. */
void cli_gui_scene(struct gui_scene *sc, const struct world *w,
                   const struct cfg_scenario *cfg, const char *variant);

/* Opens a history over a live run of 'variant' (NULL or "base": the
 * scenario as written) of scenario 'file': the simulation runs forward as
 * the viewer asks for later times.  Returns NULL after printing the error.
 * '*live' must be released with cli_gui_live_free() after the history. */
struct gui_history;
struct cli_gui_live;
struct gui_history *cli_gui_live_open(const char *file, const char *variant,
                                      struct cli_gui_live **live);
void cli_gui_live_free(struct cli_gui_live *);

#endif /* cli/cmd_gui.h */
