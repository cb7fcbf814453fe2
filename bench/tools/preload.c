/* preload: register N instances over M apps (POST /eureka/apps/{APP}), exactly once each; every answer must be 204. */
#include "loadgen.h"

int main(int argc, char **argv) { return loadgen_main(argc, argv, "preload", format_register, 204); }
