/* cli/main.c: the vhsim program. */
#include "cli/cli.h"

int
main(int argc, char **argv)
{
    return cli_finish_stdout(vhsim_main(argc, argv));
}
