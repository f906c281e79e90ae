/* The end of a user process (see vitro/process.h). */
#include <asm/signal.h>
#include <vitro/fs.h>
#include <vitro/printk.h>
#include <vitro/process.h>
#include <vitro/slab.h>
#include <vitro/task.h>

__noreturn void do_exit(int status)
{
	struct task *t = current;

	if (t->files) {
		files_release(t->files);
		kfree(t->files);
		t->files = NULL;
	}
	if (t->fs) {
		fs_struct_release(t->fs);
		kfree(t->fs);
		t->fs = NULL;
	}
	if (t->thread.cr3) {
		/* Off the user page tables before they can go. */
		t->thread.cr3 = 0;
		arch_leave_user_mm();
	}
	task_exit(status);
}

__noreturn void force_fatal_signal(int sig, int si_code, uint64_t addr,
				   const struct trap_frame *frame)
{
	struct task *t = current;

	if (sig == SIGSEGV)
		pr_info("%s[%d]: segfault at %llx ip %016llx sp %016llx error %llx code %d\n",
			t->comm, t->pid, (unsigned long long)addr, (unsigned long long)frame->rip,
			(unsigned long long)frame->rsp, (unsigned long long)frame->error_code,
			si_code);
	else
		pr_info("%s[%d]: killed by signal %d at ip %016llx sp %016llx\n", t->comm, t->pid,
			sig, (unsigned long long)frame->rip, (unsigned long long)frame->rsp);
	do_exit(EXIT_STATUS_SIGNAL(sig));
}
