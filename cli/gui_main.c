/* cli/gui_main.c: the vhsim-gui program, which 'vhsim gui' runs
 * (cli/gui_exec.c): the gui command alone, the one part of vhsim that
 * links SDL. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <png.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_gui.h"
#include "cli/opts.h"

int
main(int argc, char **argv)
{
    /* The labels' language: --lang (which 'vhsim gui' passes on), else
     * the locale's. */
    if (cli_take_lang(&argc, argv)) {
        return VH_EXIT_USAGE;
    }
    if (argc == 2 && (!strcmp(argv[1], "--version")
                      || !strcmp(argv[1], "-V"))) {
        SDL_version v;
        SDL_GetVersion(&v);
        const SDL_version *t = TTF_Linked_Version();
        printf("vhsim-gui %s\nSDL %u.%u.%u\nSDL_ttf %u.%u.%u\nlibpng %s\n",
               VH_VERSION, v.major, v.minor, v.patch, t->major, t->minor,
               t->patch, png_get_libpng_ver(NULL));
        return cli_finish_stdout(VH_EXIT_OK);
    }
    return cli_finish_stdout(cmd_gui(argc, argv));
}
