/* Kernel command-line parameters: space-separated `key=value` and `flag`
 * words, with double quotes around values that contain spaces, as Linux. */
#ifndef VITRO_CMDLINE_H
#define VITRO_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the value of the last `key=value` into buf (truncated to len - 1,
 * quotes removed). Returns true if the key is present. */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t len);

/* Every `key=value` in turn (a key may repeat, as virtio_mmio.device= does):
 * copies the next value after cursor into buf as cmdline_get() does and
 * returns the cursor for the following call, or NULL when there is none.
 * The first call passes the command line itself. */
const char *cmdline_next_value(const char *cursor, const char *key, char *buf, size_t len);

/* True if the bare word (or `word=...`) is present. */
bool cmdline_has(const char *cmdline, const char *word);

#endif
