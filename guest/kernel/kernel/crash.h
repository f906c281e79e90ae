/* `crash=KIND` on the command line makes the kernel fail on purpose, so boot
 * tests can check what a crash report looks like: ud2, pagefault, divide,
 * stackoverflow (into the boot stack's guard page), triple (a triple fault
 * the VMM reports), panic. */
#ifndef KERNEL_CRASH_H
#define KERNEL_CRASH_H

#include <vitro/compiler.h>

__noreturn void crash_on_purpose(const char *kind);

#endif
