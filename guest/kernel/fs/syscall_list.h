/* The file system calls in the system call table (kernel/syscall_table.c),
 * by Linux name. */
#ifndef VITRO_FS_SYSCALL_LIST_H
#define VITRO_FS_SYSCALL_LIST_H

#define FS_SYSCALL_LIST(X) \
	X(read)            \
	X(write)

#endif
