/* The out-of-memory killer: when a page fault finds no memory even after
 * reclaim, the process with the largest resident set is killed (init never),
 * with a log line saying which and why, as Linux's oom_kill does. */
#include <asm/signal.h>
#include <vitro/mm_user.h>
#include <vitro/printk.h>
#include <vitro/process.h>
#include <vitro/signal.h>
#include <vitro/task.h>

struct oom_choice {
	int pid;
	uint64_t rss_pages;
};

static uint64_t mm_rss_pages(const struct mm_struct *mm)
{
	uint64_t pages = 0;

	for (int i = 0; i < NR_MM_COUNTERS; i++)
		pages += READ_ONCE(mm->rss[i]);
	return pages;
}

static bool consider_victim(struct task *t, void *arg)
{
	struct oom_choice *c = arg;
	uint64_t rss;

	if (!t->mm || !t->signal || t->group_leader != t || t->exit_state || t->tgid == 1 ||
	    (t->flags & PF_EXITING))
		return true;
	rss = mm_rss_pages(t->mm);
	if (rss > c->rss_pages) {
		c->pid = t->pid;
		c->rss_pages = rss;
	}
	return true;
}

bool out_of_memory(const char *why)
{
	struct oom_choice choice = { 0, 0 };
	struct task *victim;
	struct mm_struct *mm;

	for_each_task(consider_victim, &choice);
	victim = choice.pid ? find_task_by_pid(choice.pid) : NULL;
	if (!victim) {
		pr_err("Out of memory (%s) and no process to kill\n", why);
		return false;
	}
	mm = victim->mm;
	pr_err("Out of memory (%s): Killed process %d (%s) total-vm:%llukB, anon-rss:%llukB, file-rss:%llukB\n",
	       why, victim->tgid, victim->comm,
	       (unsigned long long)(mm ? READ_ONCE(mm->total_vm) * (PAGE_SIZE / 1024) : 0),
	       (unsigned long long)(mm ? READ_ONCE(mm->rss[MM_ANONPAGES]) * (PAGE_SIZE / 1024) : 0),
	       (unsigned long long)(mm ? (mm_rss_pages(mm) - READ_ONCE(mm->rss[MM_ANONPAGES])) *
						    (PAGE_SIZE / 1024) :
					 0));
	send_signal_to_process(victim, SIGKILL, NULL);
	task_put(victim);
	return true;
}
