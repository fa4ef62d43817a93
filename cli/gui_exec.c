/* cli/gui_exec.c: 'vhsim gui' runs the vhsim-gui program.
 *
 * The GUI is a program of its own because SDL2 and SDL2_ttf bring some
 * sixty shared libraries, and loading them doubled the start-up time of
 * every vhsim command, most of which never draw.  vhsim-gui is looked for
 * in the directory of the running vhsim (cli/beside.c) and replaces this
 * process, so that arguments, standard streams, signals and exit status
 * are the GUI's own. */
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/lang.h"
#include "sim/xmalloc.h"

#define GUI_PROGRAM "vhsim-gui"

int
cmd_gui_exec(const char *argv0, int argc, char **argv)
{
    char path[PATH_MAX];
    if (!cli_beside(argv0, GUI_PROGRAM, path, sizeof path)) {
        return cli_error(VH_EXIT_USAGE, "gui: cannot tell which directory "
                         "'%s' is in, to run " GUI_PROGRAM " from there",
                         argv0);
    }
    /* vhsim-gui's arguments are those after "gui", and the language
     * vhsim chose (cli_take_lang took its --lang out of argv). */
    char **args = vh_xcalloc((size_t) argc + 2, sizeof *args);
    args[0] = path;
    args[1] = (char *) (vh_lang_get() == VH_LANG_ZH ? "--lang=zh"
                                                     : "--lang=en");
    for (int i = 1; i < argc; i++) {
        args[i + 1] = argv[i];
    }
    fflush(stdout);
    execv(path, args);
    int err = errno;
    free(args);
    return cli_error(VH_EXIT_USAGE, "gui: cannot run the GUI, '%s': %s "
                     "(build it with 'make " GUI_PROGRAM "', or 'make' for "
                     "both programs)", path, cli_exec_failure(err));
}
