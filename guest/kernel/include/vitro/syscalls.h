/* Defining system calls (Linux's SYSCALL_DEFINEn): the handler is written
 * with its real argument types, and a wrapper with the table's uniform
 * signature converts the registers. Every handler sys_NAME is listed once in
 * kernel/syscall_table.c under __NR_NAME. */
#ifndef VITRO_SYSCALLS_H
#define VITRO_SYSCALLS_H

#include <vitro/syscall.h>

#define SYSCALL_ARGS                                                                    \
	unsigned long __a0, unsigned long __a1, unsigned long __a2, unsigned long __a3, \
		unsigned long __a4, unsigned long __a5
#define SYSCALL_UNUSED_ARGS(n) syscall_unused_args(n, __a0, __a1, __a2, __a3, __a4, __a5)

static inline void syscall_unused_args(int n, unsigned long a0, unsigned long a1, unsigned long a2,
				       unsigned long a3, unsigned long a4, unsigned long a5)
{
	(void)n, (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
}

#define SYSCALL_DEFINE0(name)            \
	static long do_sys_##name(void); \
	long sys_##name(SYSCALL_ARGS)    \
	{                                \
		SYSCALL_UNUSED_ARGS(0);  \
		return do_sys_##name();  \
	}                                \
	static long do_sys_##name(void)

#define SYSCALL_DEFINE1(name, t1, a1)           \
	static long do_sys_##name(t1 a1);       \
	long sys_##name(SYSCALL_ARGS)           \
	{                                       \
		SYSCALL_UNUSED_ARGS(1);         \
		return do_sys_##name((t1)__a0); \
	}                                       \
	static long do_sys_##name(t1 a1)

#define SYSCALL_DEFINE2(name, t1, a1, t2, a2)             \
	static long do_sys_##name(t1 a1, t2 a2);          \
	long sys_##name(SYSCALL_ARGS)                     \
	{                                                 \
		SYSCALL_UNUSED_ARGS(2);                   \
		return do_sys_##name((t1)__a0, (t2)__a1); \
	}                                                 \
	static long do_sys_##name(t1 a1, t2 a2)

#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)               \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3);             \
	long sys_##name(SYSCALL_ARGS)                               \
	{                                                           \
		SYSCALL_UNUSED_ARGS(3);                             \
		return do_sys_##name((t1)__a0, (t2)__a1, (t3)__a2); \
	}                                                           \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3)

#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4)                 \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4);                \
	long sys_##name(SYSCALL_ARGS)                                         \
	{                                                                     \
		SYSCALL_UNUSED_ARGS(4);                                       \
		return do_sys_##name((t1)__a0, (t2)__a1, (t3)__a2, (t4)__a3); \
	}                                                                     \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4)

#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)                   \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);                   \
	long sys_##name(SYSCALL_ARGS)                                                   \
	{                                                                               \
		SYSCALL_UNUSED_ARGS(5);                                                 \
		return do_sys_##name((t1)__a0, (t2)__a1, (t3)__a2, (t4)__a3, (t5)__a4); \
	}                                                                               \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)

#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6)                     \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6);                      \
	long sys_##name(SYSCALL_ARGS)                                                             \
	{                                                                                         \
		return do_sys_##name((t1)__a0, (t2)__a1, (t3)__a2, (t4)__a3, (t5)__a4, (t6)__a5); \
	}                                                                                         \
	static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6)

/* The frame of the system call being run (execve, clone, rt_sigreturn). */
struct trap_frame *current_syscall_frame(void);

#endif
