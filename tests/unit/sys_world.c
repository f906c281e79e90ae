/* See sys_world.h. */
#include "sys_world.h"

#include <string.h>
#include <vitro/errno.h>

#include "unit.h"
#include "vfs_world.h"

void sys_world_start(struct sys_world *w)
{
	memset(w, 0, sizeof(*w));
	vfs_world_start(&w->fs);
	host_user_start();
	w->task.pid = 1;
	w->task.state = TASK_RUNNING;
	strcpy(w->task.comm, "sys-test");
	w->task.files = &w->files;
	w->task.fs = &w->fs;
	files_init(&w->files);
	host_current_task = &w->task;
}

void sys_world_end(struct sys_world *w)
{
	files_release(&w->files);
	vfs_world_end(&w->fs);
	host_user_end();
	host_current_task = NULL;
}

void sys_world_put(const char *path, const char *content)
{
	long fd = SYS(openat, AT_FDCWD, U(path), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t len = strlen(content);

	EXPECT_TRUE(fd >= 0);
	if (fd < 0)
		return;
	EXPECT_EQ(SYS(write, fd, host_user_copy(content, len), len), len);
	EXPECT_EQ(SYS(close, fd), 0);
}
