/* What boot_time and the start-up probe (startup_probe.c, LD_PRELOADed into
 * the VMM under test) agree on: environment names and the event file. */
#ifndef TESTS_BENCH_PROBE_FORMAT_H
#define TESTS_BENCH_PROBE_FORMAT_H

/* CLOCK_MONOTONIC nanoseconds just before boot_time spawned the process. */
#define PROBE_T0_ENV "BOOT_TIME_T0_NS"
/* Where the probe writes its events when the process exits. */
#define PROBE_OUT_ENV "VITRO_PROBE_OUT"

/* Event file: one line per event, "START_US DURATION_US NAME", START_US
 * counted from PROBE_T0_ENV; then key=value lines starting with "# ". Event
 * names are unique within a run. */
#define PROBE_MAX_EVENTS 128
#define PROBE_NAME_MAX 80

#endif
