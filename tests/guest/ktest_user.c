/* User mode from the first instruction: tiny programs (user_blobs.S) run in
 * ring 3 on their own page tables, make system calls, fault, use SSE across
 * context switches and set their TLS base. Runs under vitro, where SYSCALL
 * stays in ring 3 and comes in through the page-fault path, and under QEMU,
 * where it enters ring 0 at LSTAR: both entries are exercised. */
#include <vitro/fs.h>
#include <vitro/ktest.h>
#include <vitro/layout.h>
#include <vitro/mm.h>
#include <vitro/pgtable.h>
#include <vitro/process.h>
#include <vitro/slab.h>
#include <vitro/string.h>
#include <vitro/task.h>

#include "../../guest/kernel/arch/x86/mm_init.h"
#include "../../guest/kernel/arch/x86/user.h"
#include "../../guest/kernel/kernel/rootfs.h"

#define USER_CODE 0x400000ull
#define USER_STACK_TOP 0x7ffffffdf000ull

extern const char user_blob_hello[], user_blob_hello_end[];
extern const char user_blob_fault[], user_blob_fault_end[];
extern const char user_blob_fpu[], user_blob_fpu_end[];
extern const char user_blob_tls[], user_blob_tls_end[];
extern const char user_blob_files[], user_blob_files_end[];

struct user_run {
	struct pgtable pt;
	uint64_t arg;
};

static uint64_t user_table_alloc(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	return page ? page_to_pfn(page) << PAGE_SHIFT : 0;
}

static int map_user_page(struct pgtable *pt, uint64_t virt, const void *data, size_t len,
			 uint64_t prot)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (!page)
		return -1;
	if (data)
		memcpy(page_address(page), data, len);
	return pgtable_map(pt, virt, page_to_pfn(page) << PAGE_SHIFT, PAGE_SIZE, prot);
}

/* The user half's tables and pages go back (the kernel half is shared, and
 * so is the system-call trampoline's page). */
static void free_user_tables(uint64_t table_phys, int level);

static void free_user_space(struct pgtable *pt)
{
	uint64_t *trampoline = pgtable_pte_find(pt, SYSCALL_TRAMPOLINE_ADDR);

	if (trampoline)
		*trampoline = 0;
	free_user_tables(pt->root_phys, 3);
}

static void free_user_tables(uint64_t table_phys, int level)
{
	uint64_t *table = phys_to_virt(table_phys);
	unsigned int end = level == 3 ? 256 : 512;

	for (unsigned int i = 0; i < end; i++) {
		if (!(table[i] & PTE_PRESENT))
			continue;
		if (level > 0)
			free_user_tables(table[i] & PTE_ADDR_MASK, level - 1);
		else
			free_pages(phys_to_virt(table[i] & PTE_ADDR_MASK), 0);
	}
	free_pages(table, 0);
}

/* Descriptors 0-2 on the console, and init's root and working directory. */
static int setup_files(struct task *t)
{
	t->fs = kzalloc(sizeof(*t->fs), GFP_KERNEL);
	if (!t->fs)
		return -1;
	fs_struct_copy(t->fs, &init_fs);
	t->files = kzalloc(sizeof(*t->files), GFP_KERNEL);
	if (!t->files || files_init(t->files))
		return -1;
	for (int fd = 0; fd < 3; fd++) {
		struct file *file;

		if (vfs_open(&init_fs, "/dev/console", O_RDWR, 0, &file))
			return -1;
		if (fd_install(t->files, file, 0, false) != fd)
			return -1;
	}
	return 0;
}

static int enter_user(void *arg)
{
	struct user_run *run = arg;
	struct task *t = current;
	struct trap_frame *frame;

	if (setup_files(t))
		return -1;
	t->thread.fpu = fpu_state_alloc();
	if (!t->thread.fpu)
		return -1;
	fpu_init_state(t->thread.fpu);
	t->thread.cr3 = run->pt.root_phys;
	arch_load_user_state(t);
	frame = task_user_frame(t);
	memset(frame, 0, sizeof(*frame));
	frame->rip = USER_CODE;
	frame->rsp = USER_STACK_TOP;
	frame->rdi = run->arg;
	frame->cs = GDT_USER_CS;
	frame->ss = GDT_USER_DS;
	frame->rflags = 0x202;
	ret_to_user(frame);
}

static struct task *start_user(struct user_run *run, const char *code, const char *code_end,
			       uint64_t arg, const char *name)
{
	struct cpumask one_cpu;
	struct task *t;

	run->arg = arg;
	if (pgtable_create(&run->pt, kernel_pgtable.has_1g_pages, user_table_alloc))
		return NULL;
	arch_pgd_copy_kernel_half(run->pt.root_phys);
	if (syscall_trampoline_map(&run->pt))
		return NULL;
	if (map_user_page(&run->pt, USER_CODE, code, (size_t)(code_end - code),
			  PTE_PRESENT | PTE_USER) ||
	    map_user_page(&run->pt, USER_STACK_TOP - PAGE_SIZE, NULL, 0,
			  PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_NX))
		return NULL;
	t = kthread_create(enter_user, run, name);
	if (!t)
		return NULL;
	/* All on one CPU, so that user programs take turns on the same
	 * registers. */
	cpumask_clear(&one_cpu);
	cpumask_set_cpu(0, &one_cpu);
	sched_setaffinity(t, &one_cpu);
	wake_up_new_task(t);
	return t;
}

static int run_user(const char *code, const char *code_end, uint64_t arg)
{
	struct user_run run;
	struct task *t = start_user(&run, code, code_end, arg, "ktest-user");
	int status;

	if (!t)
		return -1;
	status = kthread_join(t);
	free_user_space(&run.pt);
	return status;
}

KTEST(user_ring3_write_and_exit)
{
	/* exit(write's count): 25 bytes of "ktest: hello from ring 3\n". */
	KTEST_EXPECT_EQ(run_user(user_blob_hello, user_blob_hello_end, 0), EXIT_STATUS_CODE(25));
}

KTEST(user_ring3_file_calls)
{
	/* Exit status 0, or the number of the step that went wrong. */
	KTEST_EXPECT_EQ(run_user(user_blob_files, user_blob_files_end, 0), EXIT_STATUS_CODE(0));
}

KTEST(user_fault_kills_with_sigsegv)
{
	KTEST_EXPECT_EQ(run_user(user_blob_fault, user_blob_fault_end, 0), EXIT_STATUS_SIGNAL(11));
}

KTEST(user_tls_base_set_and_read_back)
{
	KTEST_EXPECT_EQ(run_user(user_blob_tls, user_blob_tls_end, 0), EXIT_STATUS_CODE(0));
}

KTEST(user_sse_state_survives_context_switches)
{
	struct user_run a, b;
	struct task *ta, *tb;

	ta = start_user(&a, user_blob_fpu, user_blob_fpu_end, 0x1111222233334444ull, "ktest-fpu-a");
	tb = start_user(&b, user_blob_fpu, user_blob_fpu_end, 0x5555666677778888ull, "ktest-fpu-b");
	KTEST_EXPECT(ta && tb);
	if (!ta || !tb)
		return;
	KTEST_EXPECT_EQ(kthread_join(ta), EXIT_STATUS_CODE(0));
	KTEST_EXPECT_EQ(kthread_join(tb), EXIT_STATUS_CODE(0));
	free_user_space(&a.pt);
	free_user_space(&b.pt);
}
