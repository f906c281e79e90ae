/* The first user process. The kernel's init thread becomes pid 1 with the
 * console on descriptors 0, 1 and 2, then runs, as Linux does, rdinit=
 * (default /init) from the initramfs, else init=, else the usual places.
 * When init ends, the machine powers off with its exit status. */
#include <vitro/errno.h>
#include <vitro/fs.h>
#include <vitro/printk.h>
#include <vitro/process.h>
#include <vitro/signal.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/task.h>

#include "init_process.h"
#include "rootfs.h"

#define INIT_PATH_MAX 256

static const char *const envp_init[] = { "HOME=/", "TERM=linux", NULL };

/* Turns the calling kernel thread into a process: signal state, files, a
 * working directory, and its place at the root of the process tree. */
static int become_process(void)
{
	struct task *t = current;
	struct file *console;

	t->signal = signal_struct_alloc();
	t->sighand = sighand_alloc();
	t->fs = kzalloc(sizeof(*t->fs), GFP_KERNEL);
	t->files = kzalloc(sizeof(*t->files), GFP_KERNEL);
	t->thread.fpu = fpu_state_alloc();
	if (!t->signal || !t->sighand || !t->fs || !t->files || !t->thread.fpu ||
	    files_init(t->files))
		return -ENOMEM;
	sigpending_init(&t->pending);
	t->tgid = t->pid;
	t->group_leader = t;
	t->real_parent = NULL;
	t->exit_signal = SIGCHLD;
	list_init(&t->children);
	list_init(&t->sibling);
	list_init(&t->thread_group);
	list_init(&t->thread_node);
	t->signal->pgrp = t->signal->session = t->pid;
	t->signal->leader = t;
	fs_struct_copy(t->fs, &init_fs);
	t->fs->users = 1;
	t->fs->umask = 022;
	t->files->count = 1;
	child_reaper = t;
	if (vfs_open(&init_fs, "/dev/console", O_RDWR, 0, &console)) {
		pr_warn("Warning: unable to open an initial console.\n");
		return 0;
	}
	fd_install(t->files, console, 0, false);
	fd_dup(t->files, 0, 1, false);
	fd_dup(t->files, 0, 2, false);
	return 0;
}

#define INIT_MAX_ARGS 32

static const char *argv_init[INIT_MAX_ARGS + 2];

/* Returns only if path could not be run. */
static int try_init(const char *path)
{
	long err;

	argv_init[0] = path;
	err = do_execve(path, 0, 0, argv_init, envp_init);

	if (!err)
		ret_to_user(task_user_frame(current));
	if (err != -ENOENT)
		pr_err("Failed to execute %s (error %ld)\n", path, err);
	return (int)err;
}

static bool is_cmdline_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The words after "--" on the command line are init's arguments (Linux's
 * convention); split in place. As Linux's next_arg(), a word may hold
 * spaces between double quotes, and a word that starts with one loses it
 * and the one it ends with: -- /bin/sh -c "echo hi" gives sh two words. */
static void split_init_args(char *args)
{
	unsigned int n = 1;

	while (args && *args && n <= INIT_MAX_ARGS) {
		bool in_quotes = false, quoted = false;
		char *word;

		while (is_cmdline_space(*args))
			*args++ = '\0';
		if (!*args)
			break;
		if (*args == '"') {
			args++;
			in_quotes = quoted = true;
		}
		word = args;
		for (; *args && (in_quotes || !is_cmdline_space(*args)); args++)
			if (*args == '"')
				in_quotes = !in_quotes;
		if (quoted && args > word && args[-1] == '"')
			args[-1] = '\0';
		if (*args) /* the space that ended it */
			*args++ = '\0';
		argv_init[n++] = word;
	}
	argv_init[n] = NULL;
}

void run_init_process(const char *rdinit, const char *init, char *args)
{
	static const char *const defaults[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };

	split_init_args(args);
	if (become_process())
		panic("init: out of memory setting up the first process");
	if (rdinit)
		try_init(rdinit);
	if (init) {
		int err = try_init(init);

		panic("Requested init %s failed (error %d).", init, err);
	}
	for (unsigned int i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		try_init(defaults[i]);
	panic("No working init found.  Try passing init= option to kernel.");
}
