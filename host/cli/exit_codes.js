// SPEC §5 exit codes, shared by every subcommand.
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1; // problems found, or a sync failed
export const EXIT_USAGE = 2; // usage or input error
