/* heartbeats: send exactly K renewals round-robin over the N preloaded instances; every answer must be 200. */
#include "loadgen.h"

int main(int argc, char **argv) { return loadgen_main(argc, argv, "heartbeats", format_heartbeat, 200); }
