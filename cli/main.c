/* cli/main.c: the vhsim program. */
#include "cli/cli.h"

int
main(int argc, char **argv)
{
    return vhsim_main(argc, argv);
}
