/* execve(2): a process becomes a new program. The file is checked (a static
 * ELF executable, or a "#!" script whose interpreter is one), the arguments
 * copied in, a new address space built (segments mapped from the file, bss,
 * a stack holding argv, envp and the auxiliary vector, the vDSO), and only
 * then, past the point of no return, the old one replaced. */
#include <linux/binfmts.h>
#include <vitro/elf_image.h>
#include <vitro/errno.h>
#include <vitro/exec_stack.h>
#include <vitro/format.h>
#include <vitro/layout.h>
#include <vitro/fs.h>
#include <vitro/mm_user.h>
#include <vitro/printk.h>
#include <vitro/process.h>
#include <vitro/rseq.h>
#include <vitro/random.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/trace.h>
#include <vitro/uaccess.h>
#include <vitro/vdso.h>
#include <vitro/vmalloc.h>

#define STACK_TOP 0x00007ffffffff000ull /* Linux's STACK_TOP, before randomisation */
#define STACK_RANDOM_PAGES 4096 /* up to 16 MiB lower, in pages (Linux: 22 bits' worth) */
#define STACK_INITIAL_SIZE (128ull * 1024) /* mapped up front; it grows down on faults */
#define MMAP_GAP (128ull << 20) /* between the stack's limit and mmap_base */
#define MAX_SCRIPT_DEPTH 4 /* "#!" chains, as Linux's BINPRM_MAX_RECURSION */
#define ARG_BUFFER_SIZE (EXEC_ARGS_MAX_BYTES + PAGE_SIZE)

/* The new program's arguments, copied out of the old address space into
 * one buffer of strings that grows as needed (most commands need a page, the
 * limit is EXEC_ARGS_MAX_BYTES), with argv and envp arrays sized by count. */
#define ARG_BUFFER_INITIAL (16 * 1024)
#define ARG_BUFFER_MAX (EXEC_ARGS_MAX_BYTES + PAGE_SIZE)
#define ARG_SCRIPT_EXTRA 3 /* interpreter, its argument, the script's path */
#define ARG_POINTERS_MAX (EXEC_ARGS_MAX_BYTES / sizeof(char *))

struct exec_args {
	char *buf; /* the strings, back to back */
	size_t used, size;
	const char **argv;
	size_t argc, argv_slots;
	const char **envp;
	size_t envc;
};

/* Room for at least need more bytes; the strings move, so the arrays'
 * pointers into them are moved too. */
static int args_reserve(struct exec_args *a, size_t need)
{
	size_t size = a->size ? a->size : ARG_BUFFER_INITIAL;
	char *grown;

	if (a->used + need <= a->size)
		return 0;
	while (size < a->used + need)
		size *= 2;
	if (size > ARG_BUFFER_MAX)
		size = ARG_BUFFER_MAX;
	if (a->used + need > size)
		return -E2BIG;
	grown = vmalloc(size);
	if (!grown)
		return -ENOMEM;
	if (a->buf) {
		memcpy(grown, a->buf, a->used);
		for (size_t i = 0; i < a->argc; i++)
			a->argv[i] = grown + (a->argv[i] - a->buf);
		for (size_t i = 0; i < a->envc; i++)
			a->envp[i] = grown + (a->envp[i] - a->buf);
		vfree(a->buf);
	}
	a->buf = grown;
	a->size = size;
	return 0;
}

static const char **args_array(size_t slots)
{
	size_t bytes = slots * sizeof(char *);

	return bytes <= PAGE_SIZE ? kmalloc(bytes, GFP_KERNEL) : vmalloc(bytes);
}

static void args_array_free(const char **array, size_t slots)
{
	if (!array)
		return;
	if (slots * sizeof(char *) <= PAGE_SIZE)
		kfree(array);
	else
		vfree(array);
}

static long file_read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	return kernel_read(ctx, buf, len, (int64_t)off);
}

/* Appends (or, front, prepends) a copy of s to argv. */
static int args_add(struct exec_args *a, const char *s, size_t len, bool front)
{
	char *copy;
	int err;

	if (len + 1 > EXEC_ARG_STRLEN_MAX)
		return -E2BIG;
	if (a->argc + 1 >= a->argv_slots)
		return -E2BIG;
	err = args_reserve(a, len + 1);
	if (err)
		return err;
	copy = a->buf + a->used;
	memcpy(copy, s, len);
	copy[len] = '\0';
	a->used += len + 1;
	if (front) {
		memmove(a->argv + 1, a->argv, a->argc * sizeof(*a->argv));
		a->argv[0] = copy;
	} else {
		a->argv[a->argc] = copy;
	}
	a->argc++;
	return 0;
}

/* How many strings a NULL-terminated user array holds (up to the limit). */
static long count_user_strings(uint64_t uarray)
{
	size_t n = 0;

	for (; uarray; n++) {
		uint64_t ustr;

		if (n == ARG_POINTERS_MAX)
			return -E2BIG;
		if (get_user(ustr, (uint64_t *)(uarray + n * 8)))
			return -EFAULT;
		if (!ustr)
			break;
	}
	return (long)n;
}

/* Copies the user strings into the buffer; list has room for them all. */
static long copy_strings(struct exec_args *a, uint64_t uarray, const char **list, size_t n,
			 size_t *count)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t ustr;
		long len;
		int err;

		if (get_user(ustr, (uint64_t *)(uarray + i * 8)) || !ustr)
			return -EFAULT; /* the array changed under us */
		for (;;) {
			size_t room = a->size - a->used;

			len = room ? strncpy_from_user(a->buf + a->used, ustr,
						       (long)(room < EXEC_ARG_STRLEN_MAX ?
								      room :
								      EXEC_ARG_STRLEN_MAX)) :
				     0;
			if (len < 0)
				return len;
			if ((size_t)len < room) /* the NUL made it in */
				break;
			if (room >= EXEC_ARG_STRLEN_MAX)
				return -E2BIG;
			err = args_reserve(a, room + PAGE_SIZE);
			if (err)
				return err;
		}
		list[i] = a->buf + a->used;
		a->used += (size_t)len + 1;
		(*count)++;
	}
	return 0;
}

static void args_free(struct exec_args *a)
{
	vfree(a->buf);
	args_array_free(a->argv, a->argv_slots);
	args_array_free(a->envp, a->envc + 1);
}

/* "#!interpreter [arg]": the interpreter runs with the script's path. */
static int parse_script(const char *head, size_t len, char *interp, size_t interp_size, char *arg,
			size_t arg_size)
{
	size_t i = 2, start, end;

	while (i < len && (head[i] == ' ' || head[i] == '\t'))
		i++;
	start = i;
	while (i < len && head[i] != ' ' && head[i] != '\t' && head[i] != '\n')
		i++;
	if (i == len || i == start || i - start >= interp_size)
		return -ENOEXEC; /* no newline within the line limit, or no name */
	memcpy(interp, head + start, i - start);
	interp[i - start] = '\0';
	while (i < len && (head[i] == ' ' || head[i] == '\t'))
		i++;
	start = i;
	while (i < len && head[i] != '\n')
		i++;
	if (i == len)
		return -ENOEXEC;
	end = i;
	while (end > start && (head[end - 1] == ' ' || head[end - 1] == '\t'))
		end--;
	if (end - start >= arg_size)
		return -E2BIG;
	memcpy(arg, head + start, end - start);
	arg[end - start] = '\0';
	return 0;
}

/* Opens path for execution: a regular file with an execute bit. */
static int open_exec(const char *path, struct file **file)
{
	struct kstat st;
	int err = vfs_open(current->fs, path, O_RDONLY, 0, file);

	if (err)
		return err;
	err = vfs_fstat(*file, &st);
	if (!err && !S_ISREG(st.mode))
		err = -EACCES;
	if (!err && !(st.mode & 0111))
		err = -EACCES;
	if (err)
		vfs_close(*file);
	return err;
}

static int map_segments(struct mm_struct *mm, struct file *file, const struct elf_image *img,
			uint64_t bias, uint64_t *brk)
{
	for (unsigned int i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *seg = &img->segments[i];
		uint64_t start = (seg->vaddr + bias) & ~(PAGE_SIZE - 1);
		uint64_t file_end = seg->vaddr + bias + seg->filesz;
		uint64_t mem_end = seg->vaddr + bias + seg->memsz;
		uint64_t page_off = (seg->vaddr + bias) - start;
		uint64_t mapped_end = (file_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		int prot = (int)seg->prot;
		long rc;

		if (seg->filesz) {
			rc = vm_mmap(mm, start, file_end - start, prot | PROT_WRITE,
				     MAP_PRIVATE | MAP_FIXED, file,
				     (seg->offset - page_off) / PAGE_SIZE);
			if (rc < 0)
				return (int)rc;
			/* The bss's first bytes share the last file page: zero them. */
			if (mem_end > file_end && (file_end & (PAGE_SIZE - 1))) {
				static const uint8_t zeros[256];
				uint64_t addr = file_end,
					 end = mapped_end < mem_end ? mapped_end : mem_end;

				while (addr < end) {
					size_t n = end - addr < sizeof(zeros) ? end - addr :
										sizeof(zeros);

					if (access_vm(mm, addr, (void *)zeros, n, true) != (long)n)
						return -EFAULT;
					addr += n;
				}
			}
			if (!(prot & PROT_WRITE)) {
				rc = vm_mprotect(mm, start, mapped_end - start, prot);
				if (rc < 0)
					return (int)rc;
			}
		} else {
			mapped_end = start;
		}
		if (mem_end > mapped_end) {
			rc = vm_mmap(mm, mapped_end, mem_end - mapped_end, prot,
				     MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, NULL, 0);
			if (rc < 0)
				return (int)rc;
		}
	}
	*brk = (img->image_end + bias + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	return 0;
}

static uint64_t cpuid_hwcap(void)
{
	uint32_t a = 1, b, c = 0, d;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d;
}

/* The new address space, complete: segments, break, stack with arguments. */
static int build_mm(struct mm_struct *mm, struct file *file, const struct elf_image *img,
		    const struct exec_args *a, const char *filename, uint64_t *entry, uint64_t *sp)
{
	uint64_t bias, brk = 0, random_pages, stack_top, rnd;
	uint8_t random[EXEC_RANDOM_BYTES];
	struct exec_stack_args sargs;
	struct exec_stack st;
	void *buf;
	long size, vdso;
	int err;

	get_random_bytes(&rnd, sizeof(rnd));
	bias = elf_load_bias(img, (rnd & 0xff) * PAGE_SIZE);
	err = map_segments(mm, file, img, bias, &brk);
	if (err)
		return err;
	mm->start_code = img->image_start + bias;
	mm->end_code = brk;
	mm->start_brk = mm->brk = brk;

	random_pages = (rnd >> 8) % STACK_RANDOM_PAGES;
	stack_top = STACK_TOP - random_pages * PAGE_SIZE;
	mm->stack_rlimit = current->signal->rlim[3].cur;
	mm->mmap_base = stack_top -
			(mm->stack_rlimit < (1ull << 30) ? mm->stack_rlimit : (1ull << 30)) -
			MMAP_GAP;
	if (vm_mmap(mm, stack_top - STACK_INITIAL_SIZE, STACK_INITIAL_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0) < 0)
		return -ENOMEM;
	/* The vDSO tops the mmap area, below the stack's reach, at its own
	 * random distance (rnd's bits from 20 up are still unused). */
	vdso = vdso_map(mm, mm->mmap_base, rnd >> 20);
	if (vdso < 0)
		return (int)vdso;

	get_random_bytes(random, sizeof(random));
	memset(&sargs, 0, sizeof(sargs));
	sargs.stack_top = stack_top - 16;
	sargs.stack_rlimit = mm->stack_rlimit;
	sargs.argv = a->argv;
	sargs.argc = a->argc;
	sargs.envp = a->envp;
	sargs.envc = a->envc;
	sargs.execfn = filename;
	sargs.random = random;
	sargs.platform = "x86_64";
	sargs.auxv.minsigstksz = 2048;
	sargs.auxv.hwcap = cpuid_hwcap();
	sargs.auxv.pagesz = PAGE_SIZE;
	sargs.auxv.clktck = 100;
	sargs.auxv.phdr = img->has_phdr ? img->phdr_vaddr + bias : 0;
	sargs.auxv.phent = img->phent;
	sargs.auxv.phnum = img->phnum;
	sargs.auxv.entry = img->entry + bias;
	sargs.auxv.sysinfo_ehdr = (uint64_t)vdso;
	size = exec_stack_layout(&st, &sargs);
	if (size < 0)
		return (int)size;
	if ((uint64_t)size > STACK_INITIAL_SIZE - PAGE_SIZE)
		return -E2BIG; /* the stack grows on faults, but not for exec itself */
	buf = vmalloc((size_t)size);
	if (!buf)
		return -ENOMEM;
	size = exec_stack_build(&st, &sargs, buf, (size_t)size);
	if (size >= 0 && access_vm(mm, st.sp, buf, (size_t)size, true) != size)
		size = -EFAULT;
	vfree(buf);
	if (size < 0)
		return (int)size;
	mm->start_stack = st.sp;
	mm->arg_start = st.arg_start;
	mm->arg_end = st.arg_end;
	mm->env_start = st.env_start;
	mm->env_end = st.env_end;
	*entry = img->entry + bias;
	*sp = st.sp;
	return 0;
}

static void kill_thread_locked(struct task *other)
{
	other->pending.signal |= SIGMASK(SIGKILL);
	if (!try_to_wake_up(other, TASK_INTERRUPTIBLE | TASK_STOPPED))
		kick_process(other);
}

/* A thread other than the leader execs: it becomes the leader, with the
 * process's pid and the leader's place under its parent; the old leader, a
 * zombie now, goes with the thread's old pid without a word (Linux's
 * de_thread, exchange_tids). */
static void exec_take_over_leader(struct task *t, struct task *leader)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	int old_pid = t->pid;

	t->pid = leader->pid;
	leader->pid = old_pid;
	list_del(&t->thread_node);
	list_init(&t->thread_node);
	list_init(&t->thread_group);
	t->group_leader = t;
	leader->group_leader = t;
	t->real_parent = leader->real_parent;
	t->exit_signal = leader->exit_signal;
	t->start_time_ns = leader->start_time_ns;
	/* The leader's place among its parent's children; its own children
	 * came to this thread when it exited (find_alive_thread). */
	if (!list_empty(&leader->sibling)) {
		list_add_tail(&t->sibling, &leader->sibling);
		list_del(&leader->sibling);
		list_init(&leader->sibling);
	}
	leader->exit_state = EXIT_DEAD;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	release_task(leader);
}

/* execve in a multi-threaded process: the other threads go first (Linux's
 * de_thread), then, from a thread other than the leader, it takes the
 * leader's place. */
static int exec_kill_other_threads(void)
{
	struct task *t = current, *leader = t->group_leader, *other;
	unsigned long flags;

	if (READ_ONCE(t->signal->nr_threads) == 1 && t == leader)
		return 0;
	flags = spin_lock_irqsave(&tasklist_lock);
	spin_lock(&t->sighand->siglock);
	t->signal->flags |= SIGNAL_EXEC_KILL;
	t->signal->group_exec_task = t;
	if (t != leader && !leader->exit_state)
		kill_thread_locked(leader);
	list_for_each_entry(other, &leader->thread_group, thread_node)
		if (other != t)
			kill_thread_locked(other);
	spin_unlock(&t->sighand->siglock);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	/* The leader stays a zombie (the process lives on in this thread);
	 * the count of live threads says when the rest have gone. */
	while (READ_ONCE(t->signal->nr_threads) > 1 && !fatal_signal_pending(t))
		msleep(1);
	flags = spin_lock_irqsave(&t->sighand->siglock);
	t->signal->flags &= ~SIGNAL_EXEC_KILL;
	t->signal->group_exec_task = NULL;
	spin_unlock_irqrestore(&t->sighand->siglock, flags);
	if (READ_ONCE(t->signal->nr_threads) > 1)
		return -EINTR;
	if (t != leader)
		exec_take_over_leader(t, leader);
	return 0;
}

/* Past the point of no return: the process is the new program. */
static void exec_commit(struct mm_struct *mm, const char *filename, uint64_t entry, uint64_t sp)
{
	struct task *t = current;
	struct mm_struct *old = t->mm;
	struct trap_frame *f = task_user_frame(t);
	const char *base = strrchr(filename, '/');
	unsigned long flags;

	if (t->vfork_done) {
		complete(t->vfork_done);
		t->vfork_done = NULL;
	}
	flags = task_lock(t);
	t->mm = mm;
	task_unlock(t, flags);
	t->thread.cr3 = mm->pgtable.root_phys;
	t->thread.fsbase = 0;
	t->thread.gsbase = 0;
	if (!t->thread.fpu)
		t->thread.fpu = fpu_state_alloc();
	fpu_init_state(t->thread.fpu);
	arch_load_user_state(t); /* new page tables, clean FPU, TLS bases 0 */
	if (old)
		mmput(old);
	t->sas_ss_sp = 0;
	t->sas_ss_size = 0;
	t->clear_child_tid = 0;
	t->robust_list = 0; /* the old program's list is gone with its memory */
	rseq_execve(t);
	flush_signal_handlers(t);
	files_close_on_exec(t->files);
	format_snprintf(t->comm, sizeof(t->comm), "%s", base ? base + 1 : filename);

	memset(f, 0, sizeof(*f));
	f->rip = entry;
	f->rsp = sp;
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	f->rflags = 0x202;
	f->vector = SYSCALL_FRAME_VECTOR;
	f->error_code = (uint64_t)-1;
	if (trace_enabled(sched_process_exec)) {
		struct trace_ev_sched_process_exec ev = { .pid = (uint32_t)t->pid,
							  .old_pid = (uint32_t)t->pid };

		trace_write(TRACE_EVENT_sched_process_exec, &ev, sizeof(ev), filename,
			    (unsigned int)strlen(filename));
	}
}

/* Loads filename (already copied in) with the arguments in a; follows "#!"
 * up to MAX_SCRIPT_DEPTH interpreters. */
static int exec_file(const char *filename, struct exec_args *a, int depth)
{
	char head[BINPRM_BUF_SIZE], interp[BINPRM_BUF_SIZE], arg[BINPRM_BUF_SIZE];
	struct elf_image *img;
	struct mm_struct *mm;
	struct file *file;
	struct kstat st;
	uint64_t entry = 0, sp = 0;
	long n;
	int err;

	err = open_exec(filename, &file);
	if (err)
		return err;
	n = kernel_read(file, head, sizeof(head), 0);
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		vfs_close(file);
		if (depth >= MAX_SCRIPT_DEPTH)
			return -ELOOP;
		err = parse_script(head, (size_t)n, interp, sizeof(interp), arg, sizeof(arg));
		if (err)
			return err;
		/* argv becomes: interpreter [arg] script argv[1..]. */
		if (a->argc)
			a->argv[0] = NULL,
			memmove(a->argv, a->argv + 1, --a->argc * sizeof(*a->argv));
		err = args_add(a, filename, strlen(filename), true);
		if (!err && arg[0])
			err = args_add(a, arg, strlen(arg), true);
		if (!err)
			err = args_add(a, interp, strlen(interp), true);
		return err ? err : exec_file(interp, a, depth + 1);
	}
	img = kmalloc(sizeof(*img), GFP_KERNEL);
	if (!img) {
		vfs_close(file);
		return -ENOMEM;
	}
	err = vfs_fstat(file, &st);
	if (!err)
		err = elf_image_parse(img, file_read_at, file, (uint64_t)st.size);
	if (err == -ENOEXEC)
		pr_info("%s[%d]: execve %s: %s\n", current->comm, current->pid, filename,
			img->reason);
	if (err)
		goto out;
	err = exec_kill_other_threads();
	if (err)
		goto out;
	mm = mm_alloc();
	if (!mm) {
		err = -ENOMEM;
		goto out;
	}
	mutex_lock(&mm->mmap_lock);
	err = build_mm(mm, file, img, a, filename, &entry, &sp);
	mutex_unlock(&mm->mmap_lock);
	if (err) {
		mmput(mm);
		goto out;
	}
	exec_commit(mm, filename, entry, sp);
out:
	kfree(img);
	vfs_close(file);
	return err;
}

long do_execve(const char *filename, uint64_t uargv, uint64_t uenvp, const char *const *kargv,
	       const char *const *kenvp)
{
	struct exec_args a = { 0 };
	long nargs = 0, nenvs = 0, err;

	if (kargv) {
		/* From the kernel (init): strings already in kernel memory. */
		while (kargv[nargs])
			nargs++;
		while (kenvp && kenvp[nenvs])
			nenvs++;
	} else {
		nargs = count_user_strings(uargv);
		if (nargs < 0)
			return nargs;
		nenvs = count_user_strings(uenvp);
		if (nenvs < 0)
			return nenvs;
	}
	a.argv_slots = (size_t)nargs + ARG_SCRIPT_EXTRA + 1;
	a.argv = args_array(a.argv_slots);
	a.envp = args_array((size_t)nenvs + 1);
	err = a.argv && a.envp ? args_reserve(&a, ARG_BUFFER_INITIAL) : -ENOMEM;
	if (!err && kargv) {
		for (long i = 0; !err && i < nargs; i++)
			err = args_add(&a, kargv[i], strlen(kargv[i]), false);
		for (long i = 0; !err && i < nenvs; i++) {
			size_t len = strlen(kenvp[i]);

			err = args_reserve(&a, len + 1);
			if (err)
				break;
			memcpy(a.buf + a.used, kenvp[i], len + 1);
			a.envp[a.envc++] = a.buf + a.used;
			a.used += len + 1;
		}
	} else if (!err) {
		err = copy_strings(&a, uargv, a.argv, (size_t)nargs, &a.argc);
		if (!err)
			err = copy_strings(&a, uenvp, a.envp, (size_t)nenvs, &a.envc);
	}
	if (!err)
		err = exec_file(filename, &a, 0);
	a.envc = (size_t)nenvs; /* args_free sizes the arrays as allocated */
	args_free(&a);
	return err;
}

SYSCALL_DEFINE3(execve, uint64_t, ufilename, uint64_t, uargv, uint64_t, uenvp)
{
	char *filename = kmalloc(PATH_MAX, GFP_KERNEL);
	long err;

	if (!filename)
		return -ENOMEM;
	err = strncpy_from_user(filename, ufilename, PATH_MAX);
	if (err == PATH_MAX)
		err = -ENAMETOOLONG;
	else if (err == 0)
		err = -ENOENT;
	if (err > 0)
		err = do_execve(filename, uargv, uenvp, NULL, NULL);
	kfree(filename);
	return err;
}

struct mm_struct *get_task_mm(struct task *t)
{
	unsigned long flags = task_lock(t);
	struct mm_struct *mm = t->mm;

	if (mm)
		mmget(mm);
	task_unlock(t, flags);
	return mm;
}

void exit_mm(struct task *t)
{
	struct mm_struct *mm = t->mm;
	unsigned long flags;

	if (mm)
		exit_robust_list(t);
	/* CLONE_CHILD_CLEARTID: the thread's id word goes to 0 and a futex
	 * waiter (pthread_join) wakes. */
	if (t->clear_child_tid && mm && mm->users > 1) {
		put_user(0, (int *)t->clear_child_tid);
		futex_wake_address(t->clear_child_tid, 1);
	}
	t->clear_child_tid = 0;
	t->thread.cr3 = 0;
	arch_leave_user_mm();
	flags = task_lock(t);
	t->mm = NULL;
	task_unlock(t, flags);
	if (mm)
		mmput(mm);
}
