/* cli/gui_main.c: the vhsim-gui program, which 'vhsim gui' runs
 * (cli/gui_exec.c): the gui command alone, the one part of vhsim that
 * links SDL. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_gui.h"

int
main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--version")) {
        puts("vhsim-gui " VH_VERSION);
        return cli_finish_stdout(VH_EXIT_OK);
    }
    return cli_finish_stdout(cmd_gui(argc, argv));
}
