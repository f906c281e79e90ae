/* The shape of vitro's Chrome trace-event JSON, shared by the writer
 * (output_json.c) and the reader (read_json.c). See output_json.c for the
 * whole layout. */
#ifndef VMM_TRACE_JSON_FORMAT_H
#define VMM_TRACE_JSON_FORMAT_H

/* The Chrome "process" holding one thread (track) per vCPU, tid = CPU. */
#define JSON_PID_VCPUS 1
/* The "process" holding one thread per guest task, tid = guest pid. */
#define JSON_PID_TASKS 2
/* The "process" holding vitro's own events (its device models), tid 0. */
#define JSON_PID_VMM 3

/* Raw events, one per original event, have "cat": "vitro.<category>". */
#define JSON_RAW_CAT_PREFIX "vitro."

/* otherData.producer, and the version of this layout. */
#define JSON_PRODUCER "vitro"
#define JSON_LAYOUT_VERSION 1

/* Integers beyond what a double holds exactly (what Chrome and Perfetto
 * parse numbers into) are written as strings: "0x..." when unsigned. */
#define JSON_EXACT_INT_MAX (1ull << 53)

#endif
