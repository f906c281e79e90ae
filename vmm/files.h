/* Reading the user's input files with messages that name the file and fix. */
#ifndef VMM_FILES_H
#define VMM_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Reads the whole regular file at path into a malloc'd buffer, refusing
 * files larger than max_bytes. what names the option for messages
 * ("--kernel"). Returns 0 or a negative errno with err set. */
int file_read_all(const char *path, const char *what, uint64_t max_bytes, uint8_t **data,
		  size_t *size, struct vitro_error *err);

#endif
