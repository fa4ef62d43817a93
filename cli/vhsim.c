/* cli/vhsim.c: subcommand dispatch and help. */
#include "cli/cli.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli/opts.h"
#include "sim/diag.h"
#include "sim/lang.h"
#include "sim/pcaplib.h"

static const char usage[] =
    "usage: vhsim COMMAND [ARGS]\n"
    "\n"
    "A discrete-event simulator of a virtualized host's networking.\n"
    "\n"
    "Commands:\n"
    "  run SCENARIO      run a scenario: print the report, write captures\n"
    "  check SCENARIO    validate a scenario without running it\n"
    "  explain SCENARIO  follow one packet hop by hop, with what each hop cost\n"
    "  compare SCENARIO  run the base and each variant on the same traffic;\n"
    "                    print them side by side\n"
    "  sweep SCENARIO    run it over values of fields and seeds; print means\n"
    "                    with 95% confidence intervals, plot them\n"
    "  gui SCENARIO      animate the packets hop by hop in a window (or\n"
    "                    replay a recording, or write screenshots)\n"
    "  lab LESSON        run a lesson, ask its questions, grade the answers\n"
    "                    ('vhsim lab --list' lists the lessons)\n"
    "\n"
    "'vhsim COMMAND --help' describes a command and its options; a\n"
    "SCENARIO '-' is standard input, and '--' ends the options.  'vhsim\n"
    "--version' (-V) gives the versions of vhsim and of the libraries it\n"
    "uses.  Scenario format: docs/scenarios.md.\n"
    "\n"
    "Every command takes --lang zh|en, before or after its name: the\n"
    "language of the text it prints for people (the report's tables,\n"
    "'explain'); by default the locale's (LC_ALL, LC_MESSAGES, LANG), so\n"
    "zh_CN.UTF-8 gives Chinese.  JSON and CSV keys and error messages stay\n"
    "English.\n";

static int
dispatch(int argc, char **argv)
{
    static const char *const commands[] = {
        "run", "check", "explain", "compare", "sweep", "gui", "lab", "help",
    };
    if (argc < 2) {
        fputs(usage, stderr);
        return VH_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")
        || (!strcmp(cmd, "help") && argc == 2)) {
        fputs(usage, stdout);
        return VH_EXIT_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")
        || !strcmp(cmd, "version")) {
        /* The libraries whose behaviour a result may depend on. */
        char err[256];
        const struct vh_pcaplib *pcap = vh_pcaplib(err, sizeof err);
        printf("vhsim %s\ncJSON %s\n%s\n", VH_VERSION, cJSON_Version(),
               pcap ? pcap->lib_version() : err);
        return VH_EXIT_OK;
    }
    if (!strcmp(cmd, "help")) {
        /* "vhsim help run" is "vhsim run --help". */
        char *args[] = { argv[0], argv[2], (char *) "--help", NULL };
        return dispatch(3, args);
    }
    if (!strcmp(cmd, "run")) {
        return cmd_run(argc - 1, argv + 1);
    }
    if (!strcmp(cmd, "check")) {
        return cmd_check(argc - 1, argv + 1);
    }
    if (!strcmp(cmd, "explain")) {
        return cmd_explain(argc - 1, argv + 1);
    }
    if (!strcmp(cmd, "compare")) {
        return cmd_compare(argc - 1, argv + 1);
    }
    if (!strcmp(cmd, "sweep")) {
        return cmd_sweep(argc - 1, argv + 1);
    }
    if (!strcmp(cmd, "lab")) {
        return cmd_lab(argc - 1, argv + 1);
    }
    if (!strcmp(cmd, "gui")) {
        return cmd_gui_exec(argv[0], argc - 1, argv + 1);
    }
    const char *s = vh_suggest(cmd, commands,
                               sizeof commands / sizeof *commands);
    if (s) {
        return cli_error(VH_EXIT_USAGE, "unknown command '%s'; did you mean "
                         "'%s'? (see 'vhsim --help')", cmd, s);
    }
    return cli_error(VH_EXIT_USAGE, "unknown command '%s' (see 'vhsim "
                     "--help')", cmd);
}

int
vhsim_main(int argc, char **argv)
{
    /* Chosen once, before anything is printed. */
    int rc = cli_take_lang(&argc, argv);
    return rc ? rc : dispatch(argc, argv);
}
