/* A process for host tests of the file system calls: the VFS world of
 * vfs_world.h (a ramfs root), a task with a descriptor table and an
 * fs_struct as `current`, and a window of user memory (host_uaccess.h).
 * The calls are the real sys_* entry points, with Linux's register
 * arguments. */
#ifndef TESTS_UNIT_SYS_WORLD_H
#define TESTS_UNIT_SYS_WORLD_H

#include <vitro/fs.h>
#include <vitro/syscall.h>
#include <vitro/task.h>

#include "../../guest/kernel/fs/syscall_list.h"
#include "host_uaccess.h"

#define SYS_WORLD_DECLARE(name)                                                                    \
	long sys_##name(unsigned long, unsigned long, unsigned long, unsigned long, unsigned long, \
			unsigned long);
FS_SYSCALL_LIST(SYS_WORLD_DECLARE)

struct sys_world {
	struct task task;
	struct files_struct files;
	struct fs_struct fs;
};

void sys_world_start(struct sys_world *w);
/* Closes every descriptor, then checks nothing leaked (vfs_world_end). */
void sys_world_end(struct sys_world *w);

/* SYS(openat, AT_FDCWD, path, O_RDONLY): the call with its arguments in
 * the first registers, the rest 0. */
#define SYS(name, ...) SYS_CALL_(sys_##name, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define SYS_CALL_(fn, a, b, c, d, e, f, ...)                                               \
	fn((unsigned long)(a), (unsigned long)(b), (unsigned long)(c), (unsigned long)(d), \
	   (unsigned long)(e), (unsigned long)(f))

/* A user copy of a string, and user room for n bytes. */
#define U(s) host_user_str(s)
#define UBUF(n) host_user_alloc(n)
#define UPTR(type, uaddr) ((type *)host_user_ptr(uaddr))

/* Creates path with content through the system calls; aborts the test's
 * checks with a failure if that does not work. */
void sys_world_put(const char *path, const char *content);

#endif
