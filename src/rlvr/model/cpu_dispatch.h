// Per-row loops that matter for speed are built twice, for AVX2 with FMA and
// for baseline x86-64, and the loader picks one for the machine it runs on:
// the project's build does not assume the newer instruction set.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__)
#define RLVR_ROW_LOOP __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define RLVR_ROW_LOOP
#endif
