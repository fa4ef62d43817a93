/* cli/cmd_gui.h: 'vhsim gui', and live runs for the GUI to watch. */
#ifndef VH_CLI_CMD_GUI_H
#define VH_CLI_CMD_GUI_H 1

int cmd_gui(int argc, char **argv);

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
