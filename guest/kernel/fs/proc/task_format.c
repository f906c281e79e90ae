/* /proc/<pid>/{stat,status,statm,io,maps,smaps} in Linux's layouts
 * (fs/proc/array.c, task_mmu.c, base.c of Linux 6.1), from the snapshots in
 * format.h. ps, top and pmap parse these by position and by name, so the
 * spacing matters as much as the numbers. */
#include <vitro/mm.h>
#include <vitro/string.h>

#include "format.h"

#define KB_PER_PAGE (PAGE_SIZE / 1024)

/* Linux's capabilities for root (CAP_LAST_CAP 40 in 6.1: 41 bits). */
#define CAP_FULL_SET 0x000001ffffffffffull

const char *proc_task_state_name(char state)
{
	switch (state) {
	case 'R':
		return "R (running)";
	case 'S':
		return "S (sleeping)";
	case 'D':
		return "D (disk sleep)";
	case 'T':
		return "T (stopped)";
	case 't':
		return "t (tracing stop)";
	case 'Z':
		return "Z (zombie)";
	case 'X':
		return "X (dead)";
	case 'I':
		return "I (idle)";
	default:
		return "R (running)";
	}
}

static uint64_t ticks(uint64_t ns)
{
	return ns / PROC_NSEC_PER_TICK;
}

static uint64_t total_rss(const struct proc_mm_info *mm)
{
	return mm->rss_anon + mm->rss_file + mm->rss_shmem;
}

/* Linux's VmExe: the code's pages, at most the executable mappings. */
static uint64_t text_bytes(const struct proc_mm_info *mm)
{
	uint64_t text = 0;

	if (mm->end_code > mm->start_code)
		text = ((mm->end_code + PAGE_SIZE - 1) & PAGE_MASK) - (mm->start_code & PAGE_MASK);
	if (text > mm->exec_vm * PAGE_SIZE)
		text = mm->exec_vm * PAGE_SIZE;
	return text;
}

/* The signal sets stat shows are cut to 31 bits, as on Linux (status has
 * them whole). */
#define STAT_SIGMASK 0x7fffffffull

void proc_format_task_stat(struct proc_buf *m, const struct proc_task_info *ti)
{
	const struct proc_mm_info *mm = &ti->mm;
	bool has_mm = ti->has_mm;

	proc_printf(m, "%d (%s) %c %d %d %d %u %d %u", ti->pid, ti->comm, ti->state, ti->ppid,
		    ti->pgrp, ti->session, ti->tty_nr, ti->tty_pgrp, ti->flags);
	proc_printf(m, " %llu %llu %llu %llu", (unsigned long long)ti->min_flt,
		    (unsigned long long)ti->cmin_flt, (unsigned long long)ti->maj_flt,
		    (unsigned long long)ti->cmaj_flt);
	proc_printf(m, " %llu %llu %lld %lld", (unsigned long long)ticks(ti->utime_ns),
		    (unsigned long long)ticks(ti->stime_ns), (long long)ticks(ti->cutime_ns),
		    (long long)ticks(ti->cstime_ns));
	/* priority, nice, threads, itrealvalue (always 0), start time */
	proc_printf(m, " %d %d %d 0 %llu", ti->priority, ti->nice, ti->nr_threads,
		    (unsigned long long)ticks(ti->start_time_ns));
	/* vsize in bytes, rss in pages, the RSS limit */
	proc_printf(m, " %llu %llu %llu",
		    (unsigned long long)(has_mm ? mm->total_vm * PAGE_SIZE : 0),
		    (unsigned long long)(has_mm ? total_rss(mm) : 0),
		    (unsigned long long)ti->rss_limit_bytes);
	/* start_code, end_code, start_stack, then kstkesp and kstkeip: 0 but
	 * for a task dumping core. */
	proc_printf(m, " %llu %llu %llu 0 0", (unsigned long long)(has_mm ? mm->start_code : 0),
		    (unsigned long long)(has_mm ? mm->end_code : 0),
		    (unsigned long long)(has_mm ? mm->start_stack : 0));
	proc_printf(m, " %llu %llu %llu %llu", (unsigned long long)(ti->sig_pending & STAT_SIGMASK),
		    (unsigned long long)(ti->sig_blocked & STAT_SIGMASK),
		    (unsigned long long)(ti->sig_ignored & STAT_SIGMASK),
		    (unsigned long long)(ti->sig_caught & STAT_SIGMASK));
	/* wchan is only "sleeping in the kernel or not" since Linux 5.16;
	 * nswap and cnswap are always 0. */
	proc_printf(m, " %d 0 0 %d %u %u %u", ti->is_blocked_in_kernel ? 1 : 0, ti->exit_signal,
		    ti->cpu, ti->rt_priority, ti->policy);
	/* delayacct_blkio_ticks, guest_time, cguest_time */
	proc_printf(m, " 0 0 0");
	if (has_mm)
		proc_printf(m, " %llu %llu %llu %llu %llu %llu %llu",
			    (unsigned long long)mm->start_data, (unsigned long long)mm->end_data,
			    (unsigned long long)mm->start_brk, (unsigned long long)mm->arg_start,
			    (unsigned long long)mm->arg_end, (unsigned long long)mm->env_start,
			    (unsigned long long)mm->env_end);
	else
		proc_printf(m, " 0 0 0 0 0 0 0");
	proc_printf(m, " %d\n", ti->exit_code);
}

/* Name: with '\n' and '\\' escaped, as Linux's proc_task_name(escape). */
static void print_escaped_comm(struct proc_buf *m, const char *comm)
{
	for (size_t i = 0; i < 16 && comm[i]; i++) {
		if (comm[i] == '\n')
			proc_printf(m, "\\n");
		else if (comm[i] == '\\')
			proc_printf(m, "\\\\");
		else
			proc_printf(m, "%c", comm[i]);
	}
}

static void print_kb(struct proc_buf *m, const char *name, uint64_t kb)
{
	proc_printf(m, "%s:\t%8llu kB\n", name, (unsigned long long)kb);
}

static void print_task_mem(struct proc_buf *m, const struct proc_mm_info *mm)
{
	uint64_t rss = total_rss(mm);
	uint64_t text = text_bytes(mm);
	uint64_t lib = mm->exec_vm * PAGE_SIZE - text;

	print_kb(m, "VmPeak",
		 (mm->hiwater_vm > mm->total_vm ? mm->hiwater_vm : mm->total_vm) * KB_PER_PAGE);
	print_kb(m, "VmSize", mm->total_vm * KB_PER_PAGE);
	print_kb(m, "VmLck", mm->locked_vm * KB_PER_PAGE);
	print_kb(m, "VmPin", 0);
	print_kb(m, "VmHWM", (mm->hiwater_rss > rss ? mm->hiwater_rss : rss) * KB_PER_PAGE);
	print_kb(m, "VmRSS", rss * KB_PER_PAGE);
	print_kb(m, "RssAnon", mm->rss_anon * KB_PER_PAGE);
	print_kb(m, "RssFile", mm->rss_file * KB_PER_PAGE);
	print_kb(m, "RssShmem", mm->rss_shmem * KB_PER_PAGE);
	print_kb(m, "VmData", mm->data_vm * KB_PER_PAGE);
	print_kb(m, "VmStk", mm->stack_vm * KB_PER_PAGE);
	print_kb(m, "VmExe", text >> 10);
	print_kb(m, "VmLib", lib >> 10);
	print_kb(m, "VmPTE", mm->pgtables_bytes >> 10);
	print_kb(m, "VmSwap", 0);
	print_kb(m, "HugetlbPages", 0);
	proc_printf(m, "CoreDumping:\t0\nTHP_enabled:\t1\n");
}

void proc_format_task_status(struct proc_buf *m, const struct proc_task_info *ti)
{
	proc_printf(m, "Name:\t");
	print_escaped_comm(m, ti->comm);
	proc_printf(m, "\n");
	if (ti->umask >= 0)
		proc_printf(m, "Umask:\t%#04o\n", (unsigned int)ti->umask);
	proc_printf(m, "State:\t%s\n", proc_task_state_name(ti->state));
	proc_printf(m, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", ti->tgid,
		    ti->pid, ti->ppid);
	proc_printf(m, "Uid:\t%u\t%u\t%u\t%u\n", ti->uid[0], ti->uid[1], ti->uid[2], ti->uid[3]);
	proc_printf(m, "Gid:\t%u\t%u\t%u\t%u\n", ti->gid[0], ti->gid[1], ti->gid[2], ti->gid[3]);
	/* No supplementary groups; Linux leaves a space after the list. */
	proc_printf(m, "FDSize:\t%u\nGroups:\t \n", ti->fd_slots);
	proc_printf(m, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", ti->tgid, ti->pid,
		    ti->pgrp, ti->session);
	if (ti->has_mm)
		print_task_mem(m, &ti->mm);
	proc_printf(m, "Threads:\t%d\n", ti->nr_threads);
	proc_printf(m, "SigQ:\t%u/%llu\n", ti->sig_queued, (unsigned long long)ti->sig_queue_limit);
	proc_printf(m, "SigPnd:\t%016llx\nShdPnd:\t%016llx\n", (unsigned long long)ti->sig_pending,
		    (unsigned long long)ti->sig_shared_pending);
	proc_printf(m, "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		    (unsigned long long)ti->sig_blocked, (unsigned long long)ti->sig_ignored,
		    (unsigned long long)ti->sig_caught);
	/* One root user with every capability. */
	proc_printf(m, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n", 0ull, CAP_FULL_SET,
		    CAP_FULL_SET);
	proc_printf(m, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", CAP_FULL_SET, 0ull);
	proc_printf(m, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
	proc_printf(m, "Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunknown\n");
	proc_printf(m, "Cpus_allowed:\t");
	proc_print_bitmap(m, ti->cpus_allowed, ti->nr_cpu_ids);
	proc_printf(m, "\nCpus_allowed_list:\t");
	proc_print_bitmap_list(m, ti->cpus_allowed, ti->nr_cpu_ids);
	/* One memory node. */
	proc_printf(m, "\nMems_allowed:\t1\nMems_allowed_list:\t0\n");
	proc_printf(m, "voluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t%llu\n",
		    (unsigned long long)ti->nvcsw, (unsigned long long)ti->nivcsw);
}

void proc_format_task_statm(struct proc_buf *m, const struct proc_task_info *ti)
{
	const struct proc_mm_info *mm = &ti->mm;

	if (!ti->has_mm) {
		proc_printf(m, "0 0 0 0 0 0 0\n");
		return;
	}
	/* size resident shared text lib(0 since 2.6) data dt(0) */
	proc_printf(m, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)mm->total_vm,
		    (unsigned long long)total_rss(mm),
		    (unsigned long long)(mm->rss_file + mm->rss_shmem),
		    (unsigned long long)(text_bytes(mm) >> PAGE_SHIFT),
		    (unsigned long long)(mm->data_vm + mm->stack_vm));
}

void proc_format_task_io(struct proc_buf *m, const struct proc_task_io *io)
{
	proc_printf(m, "rchar: %llu\nwchar: %llu\nsyscr: %llu\nsyscw: %llu\n",
		    (unsigned long long)io->rchar, (unsigned long long)io->wchar,
		    (unsigned long long)io->syscr, (unsigned long long)io->syscw);
	/* No block layer yet: nothing reaches storage. */
	proc_printf(m, "read_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n");
}

/* --- maps and smaps ------------------------------------------------------- */

/* Where Linux pads the name to: 25 + 6 characters per pointer byte, less one. */
#define MAPS_NAME_COLUMN (25 + 8 * 6 - 1)

void proc_format_maps_entry(struct proc_buf *m, const struct proc_vma_info *vma)
{
	size_t start = m->len;
	uint64_t flags = vma->flags;

	proc_printf(m, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
		    (unsigned long long)vma->start, (unsigned long long)vma->end,
		    flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		    flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		    (unsigned long long)vma->offset_bytes, vma->dev_major, vma->dev_minor,
		    (unsigned long long)vma->ino);
	if (vma->name) {
		size_t used = m->len - start;

		proc_printf(m, "%*s%s",
			    (int)(used < MAPS_NAME_COLUMN ? MAPS_NAME_COLUMN - used : 0) + 1, "",
			    vma->name);
	}
	proc_printf(m, "\n");
}

/* Two letters per VM_* bit, Linux's show_smap_vma_flags() names, by bit. */
static const char vm_flag_names[32][3] = {
	[0] = "rd",  [1] = "wr",  [2] = "ex",  [3] = "sh",  [4] = "mr",
	[5] = "mw",  [6] = "me",  [7] = "ms",  [8] = "gd",  [13] = "lo",
	[17] = "dc", [18] = "de", [21] = "nr", [25] = "wf", [26] = "dd",
};

static void print_smaps_kb(struct proc_buf *m, const char *name, uint64_t kb)
{
	/* The name padded to 16 columns, the number to 8 more. */
	proc_printf(m, "%-16s%8llu kB\n", name, (unsigned long long)kb);
}

void proc_format_smaps_entry(struct proc_buf *m, const struct proc_vma_info *vma,
			     const struct vma_rss *rss)
{
	uint64_t resident = rss->anon_pages + rss->file_pages + rss->shmem_pages;
	uint64_t shared_clean = rss->shared_file_pages;
	uint64_t shared_dirty = rss->shared_pages - rss->shared_file_pages;
	uint64_t private_clean = rss->file_pages - rss->shared_file_pages;
	uint64_t private_dirty = rss->anon_pages + rss->shmem_pages - shared_dirty;

	proc_format_maps_entry(m, vma);
	print_smaps_kb(m, "Size:", (vma->end - vma->start) >> 10);
	print_smaps_kb(m, "KernelPageSize:", PAGE_SIZE >> 10);
	print_smaps_kb(m, "MMUPageSize:", PAGE_SIZE >> 10);
	print_smaps_kb(m, "Rss:", resident * KB_PER_PAGE);
	print_smaps_kb(m, "Pss:", rss->pss_bytes >> 10);
	print_smaps_kb(m, "Pss_Dirty:", rss->pss_dirty_bytes >> 10);
	print_smaps_kb(m, "Shared_Clean:", shared_clean * KB_PER_PAGE);
	print_smaps_kb(m, "Shared_Dirty:", shared_dirty * KB_PER_PAGE);
	print_smaps_kb(m, "Private_Clean:", private_clean * KB_PER_PAGE);
	print_smaps_kb(m, "Private_Dirty:", private_dirty * KB_PER_PAGE);
	/* No accessed-bit scan: every resident page counts as referenced. */
	print_smaps_kb(m, "Referenced:", resident * KB_PER_PAGE);
	print_smaps_kb(m, "Anonymous:", rss->anon_pages * KB_PER_PAGE);
	print_smaps_kb(m, "LazyFree:", 0);
	print_smaps_kb(m, "AnonHugePages:", 0);
	print_smaps_kb(m, "ShmemPmdMapped:", 0);
	print_smaps_kb(m, "FilePmdMapped:", 0);
	print_smaps_kb(m, "Shared_Hugetlb:", 0);
	/* Sixteen characters: Linux gives the number one column less. */
	proc_printf(m, "Private_Hugetlb: %7u kB\n", 0u);
	print_smaps_kb(m, "Swap:", 0);
	print_smaps_kb(m, "SwapPss:", 0);
	print_smaps_kb(m, "Locked:", vma->flags & VM_LOCKED ? rss->pss_bytes >> 10 : 0);
	proc_printf(m, "THPeligible:    %8u\n", 0u);
	proc_printf(m, "VmFlags: ");
	for (unsigned int bit = 0; bit < 32; bit++) {
		if ((vma->flags >> bit & 1) && vm_flag_names[bit][0])
			proc_printf(m, "%s ", vm_flag_names[bit]);
	}
	proc_printf(m, "\n");
}
