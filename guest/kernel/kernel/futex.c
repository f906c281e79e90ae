/* Fast user-space mutexes (futex(2)): threads sleep on a user word's address
 * and are woken by address. Waiters hash by key: (address space, address)
 * for FUTEX_PRIVATE_FLAG, the word's physical address otherwise, so that
 * processes sharing memory meet on the same key. */
#include <linux/futex.h>
#include <linux/time_types.h>
#include <vitro/errno.h>
#include <vitro/mm_user.h>
#include <vitro/pgtable.h>
#include <vitro/preempt.h>
#include <vitro/process.h>
#include <vitro/signal.h>
#include <vitro/syscalls.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/uaccess.h>

#define FUTEX_HASH_BITS 8
#define FUTEX_HASH_SIZE (1u << FUTEX_HASH_BITS)

struct futex_key {
	uint64_t space; /* the mm, or 0 for a physical key */
	uint64_t addr;
};

struct futex_q {
	struct list_head list;
	struct futex_key key;
	uint32_t bitset;
	struct task *task;
	bool woken;
};

struct futex_bucket {
	struct spinlock lock;
	struct list_head waiters;
};

static struct futex_bucket buckets[FUTEX_HASH_SIZE];
static bool buckets_ready;

static struct futex_bucket *bucket_of(const struct futex_key *key)
{
	uint64_t h = (key->space ^ (key->addr >> 2)) * 0x9e3779b97f4a7c15ull;

	if (!__atomic_load_n(&buckets_ready, __ATOMIC_ACQUIRE)) {
		for (unsigned int i = 0; i < FUTEX_HASH_SIZE; i++) {
			spin_lock_init(&buckets[i].lock);
			list_init(&buckets[i].waiters);
		}
		__atomic_store_n(&buckets_ready, true, __ATOMIC_RELEASE);
	}
	return &buckets[h >> (64 - FUTEX_HASH_BITS)];
}

static bool key_equal(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/* The key of the word at uaddr; faults the page in. */
static int futex_key_get(uint64_t uaddr, bool private, struct futex_key *key)
{
	struct mm_struct *mm = current->mm;
	uint64_t phys, flags, size;
	uint32_t val;

	if ((uaddr & 3) || !access_ok(uaddr, 4))
		return -EINVAL;
	if (get_user(val, (uint32_t *)uaddr))
		return -EFAULT;
	if (private) {
		*key = (struct futex_key){ (uint64_t)mm, uaddr };
		return 0;
	}
	mutex_lock(&mm->mmap_lock);
	if (!pgtable_lookup(&mm->pgtable, uaddr, &phys, &flags, &size)) {
		mutex_unlock(&mm->mmap_lock);
		return -EFAULT;
	}
	mutex_unlock(&mm->mmap_lock);
	*key = (struct futex_key){ 0, phys };
	return 0;
}

/* Reads the word with the bucket lock held: no sleeping page fault there, so
 * a page that went away in between fails and the caller retries. */
static int read_word_locked(uint64_t uaddr, uint32_t *val)
{
	return copy_from_user(val, uaddr, sizeof(*val)) ? -EFAULT : 0;
}

static void wake_q(struct futex_q *q)
{
	list_del(&q->list);
	list_init(&q->list);
	__atomic_store_n(&q->woken, true, __ATOMIC_RELEASE);
	wake_up_process(q->task);
}

static int futex_wake_key(const struct futex_key *key, int nr, uint32_t bitset)
{
	struct futex_bucket *b = bucket_of(key);
	struct futex_q *q, *next;
	unsigned long flags;
	int woken = 0;

	if (!bitset)
		return -EINVAL;
	flags = spin_lock_irqsave(&b->lock);
	list_for_each_entry_safe(q, next, &b->waiters, list) {
		if (woken >= nr)
			break;
		if (!key_equal(&q->key, key) || !(q->bitset & bitset))
			continue;
		wake_q(q);
		woken++;
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return woken;
}

static long futex_wait(uint64_t uaddr, bool private, uint32_t val, uint32_t bitset,
		       bool has_deadline, uint64_t deadline_ns)
{
	struct futex_q q = { .bitset = bitset, .task = current };
	struct futex_bucket *b;
	unsigned long flags;
	uint32_t cur;
	long ret;
	int err;

	if (!bitset)
		return -EINVAL;
	err = futex_key_get(uaddr, private, &q.key);
	if (err)
		return err;
	b = bucket_of(&q.key);
	flags = spin_lock_irqsave(&b->lock);
	err = read_word_locked(uaddr, &cur);
	if (err || cur != val) {
		spin_unlock_irqrestore(&b->lock, flags);
		return err ? err : -EAGAIN;
	}
	list_add_tail(&q.list, &b->waiters);
	set_current_state(TASK_INTERRUPTIBLE);
	spin_unlock_irqrestore(&b->lock, flags);

	for (;;) {
		if (__atomic_load_n(&q.woken, __ATOMIC_ACQUIRE)) {
			ret = 0;
			break;
		}
		if (signal_pending(current)) {
			ret = has_deadline ? -EINTR : -ERESTARTSYS;
			break;
		}
		if (has_deadline) {
			uint64_t now = ktime_get_ns();

			if (now >= deadline_ns) {
				ret = -ETIMEDOUT;
				break;
			}
			schedule_timeout(deadline_ns - now);
		} else {
			schedule();
		}
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	flags = spin_lock_irqsave(&b->lock);
	if (q.woken)
		ret = 0; /* woken after all: the wake-up counts */
	else
		list_del(&q.list);
	spin_unlock_irqrestore(&b->lock, flags);
	return ret;
}

/* Moves up to nr_requeue waiters from key1 to key2 after waking nr_wake. */
static long futex_requeue(uint64_t uaddr, uint64_t uaddr2, bool private, int nr_wake,
			  int nr_requeue, bool cmp, uint32_t cmpval)
{
	struct futex_key key1, key2;
	struct futex_bucket *b1, *b2;
	struct futex_q *q, *next;
	unsigned long flags;
	long done = 0;
	uint32_t cur;
	int err;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	err = futex_key_get(uaddr, private, &key1);
	if (!err)
		err = futex_key_get(uaddr2, private, &key2);
	if (err)
		return err;
	b1 = bucket_of(&key1);
	b2 = bucket_of(&key2);
	/* Two buckets: always the lower address first. */
	flags = local_irq_save();
	if (b1 <= b2) {
		spin_lock(&b1->lock);
		if (b2 != b1)
			spin_lock(&b2->lock);
	} else {
		spin_lock(&b2->lock);
		spin_lock(&b1->lock);
	}
	if (cmp) {
		err = read_word_locked(uaddr, &cur);
		if (!err && cur != cmpval)
			err = -EAGAIN;
	}
	if (!err) {
		list_for_each_entry_safe(q, next, &b1->waiters, list) {
			if (!key_equal(&q->key, &key1))
				continue;
			if (done < nr_wake) {
				wake_q(q);
			} else if (done < (long)nr_wake + nr_requeue) {
				list_del(&q->list);
				q->key = key2;
				list_add_tail(&q->list, &b2->waiters);
			} else {
				break;
			}
			done++;
		}
	}
	if (b2 != b1)
		spin_unlock(&b2->lock);
	spin_unlock(&b1->lock);
	local_irq_restore(flags);
	return err ? err : done;
}

/* FUTEX_WAKE_OP's operation on *uaddr2 and its comparison of the old value. */
static int futex_wake_op(uint64_t uaddr, uint64_t uaddr2, bool private, int nr_wake, int nr_wake2,
			 uint32_t encoded)
{
	unsigned int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	uint32_t oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff;
	struct futex_key key1, key2;
	uint32_t old, new, seen;
	bool cond;
	int err, woken;

	if (encoded & (FUTEX_OP_OPARG_SHIFT << 28)) {
		op &= ~(unsigned int)FUTEX_OP_OPARG_SHIFT;
		if (oparg > 31)
			return -EINVAL;
		oparg = 1u << oparg;
	}
	/* Sign-extend the 12-bit arguments, as Linux does. */
	oparg = (uint32_t)((int32_t)(oparg << 20) >> 20);
	cmparg = (uint32_t)((int32_t)(cmparg << 20) >> 20);
	err = futex_key_get(uaddr, private, &key1);
	if (!err)
		err = futex_key_get(uaddr2, private, &key2);
	if (err)
		return err;
	if (get_user(old, (uint32_t *)uaddr2))
		return -EFAULT;
	for (;;) {
		switch (op) {
		case FUTEX_OP_SET:
			new = oparg;
			break;
		case FUTEX_OP_ADD:
			new = old + oparg;
			break;
		case FUTEX_OP_OR:
			new = old | oparg;
			break;
		case FUTEX_OP_ANDN:
			new = old & ~oparg;
			break;
		case FUTEX_OP_XOR:
			new = old ^ oparg;
			break;
		default:
			return -ENOSYS;
		}
		err = futex_atomic_cmpxchg_user(&seen, uaddr2, old, new);
		if (err)
			return err;
		if (seen == old)
			break;
		old = seen;
	}
	switch (cmp) {
	case FUTEX_OP_CMP_EQ:
		cond = (int32_t)old == (int32_t)cmparg;
		break;
	case FUTEX_OP_CMP_NE:
		cond = (int32_t)old != (int32_t)cmparg;
		break;
	case FUTEX_OP_CMP_LT:
		cond = (int32_t)old < (int32_t)cmparg;
		break;
	case FUTEX_OP_CMP_LE:
		cond = (int32_t)old <= (int32_t)cmparg;
		break;
	case FUTEX_OP_CMP_GT:
		cond = (int32_t)old > (int32_t)cmparg;
		break;
	case FUTEX_OP_CMP_GE:
		cond = (int32_t)old >= (int32_t)cmparg;
		break;
	default:
		return -ENOSYS;
	}
	woken = futex_wake_key(&key1, nr_wake, FUTEX_BITSET_MATCH_ANY);
	if (cond)
		woken += futex_wake_key(&key2, nr_wake2, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

int futex_wake_address(uint64_t uaddr, int nr)
{
	struct futex_key key;
	int woken;

	/* Threads of one process: either key kind may be waited on. */
	if (futex_key_get(uaddr, true, &key))
		return 0;
	woken = futex_wake_key(&key, nr, FUTEX_BITSET_MATCH_ANY);
	if (woken < nr && !futex_key_get(uaddr, false, &key))
		woken += futex_wake_key(&key, nr - woken, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

static int timeout_to_deadline(uint64_t utimeout, bool absolute, bool realtime, uint64_t *deadline)
{
	struct __kernel_timespec ts;
	uint64_t ns;

	if (copy_from_user(&ts, utimeout, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (!absolute)
		*deadline = ktime_get_ns() + ns;
	else if (realtime)
		*deadline = ns > ktime_get_real_ns() ? ktime_get_ns() + (ns - ktime_get_real_ns()) :
						       ktime_get_ns();
	else
		*deadline = ns;
	return 0;
}

SYSCALL_DEFINE6(futex, uint64_t, uaddr, int, op, uint32_t, val, uint64_t, utimeout, uint64_t,
		uaddr2, uint32_t, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	uint64_t deadline = 0;
	int err;

	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (utimeout) {
			err = timeout_to_deadline(utimeout, cmd == FUTEX_WAIT_BITSET, realtime,
						  &deadline);
			if (err)
				return err;
		}
		return futex_wait(uaddr, private, val,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3, utimeout != 0,
				  deadline);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		struct futex_key key;

		err = futex_key_get(uaddr, private, &key);
		if (err)
			return err;
		return futex_wake_key(&key, (int)val,
				      cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3);
	}
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, (int)utimeout, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, (int)utimeout, true, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, private, (int)val, (int)utimeout, val3);
	default:
		return -ENOSYS;
	}
}

SYSCALL_DEFINE2(set_robust_list, uint64_t, head, size_t, len)
{
	/* Walked when the thread exits (exit_robust_list). */
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current->robust_list = head;
	current->robust_list_len = len;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, pid, uint64_t, uhead, uint64_t, ulen)
{
	if (pid && pid != current->pid)
		return -EPERM;
	if (put_user(current->robust_list, (uint64_t *)uhead) ||
	    put_user((uint64_t)current->robust_list_len, (uint64_t *)ulen))
		return -EFAULT;
	return 0;
}

/* --- robust futexes at thread exit ------------------------------------------------ */

#define ROBUST_LIST_LIMIT 2048 /* Linux's ROBUST_LIST_LIMIT: a looping list ends here */

/* The dead thread owned the lock word at uaddr: mark it OWNER_DIED and wake a
 * waiter, as Linux's handle_futex_death. */
static void robust_futex_owner_died(uint64_t uaddr, int tid, bool pending)
{
	uint32_t val, seen;

	for (int tries = 0; tries < 16; tries++) {
		if ((uaddr & 3) || get_user(val, (uint32_t *)uaddr))
			return;
		/* A pending op whose lock was never taken: nothing to hand on. */
		if (pending && !val)
			return;
		if ((int)(val & FUTEX_TID_MASK) != tid)
			return;
		if (futex_atomic_cmpxchg_user(&seen, uaddr, val,
					      (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED))
			return;
		if (seen != val)
			continue;
		if (val & FUTEX_WAITERS)
			futex_wake_address(uaddr, 1);
		return;
	}
}

void exit_robust_list(struct task *t)
{
	struct robust_list_head head;
	uint64_t entry, pending;
	int n = 0;

	if (!t->robust_list || copy_from_user(&head, t->robust_list, sizeof(head)))
		return;
	entry = (uint64_t)head.list.next;
	pending = (uint64_t)head.list_op_pending;
	while (entry && entry != t->robust_list && n++ < ROBUST_LIST_LIMIT) {
		uint64_t next;

		if (get_user(next, (uint64_t *)entry))
			return;
		if (entry != pending)
			robust_futex_owner_died(entry + (uint64_t)head.futex_offset, t->pid, false);
		entry = next;
	}
	if (pending)
		robust_futex_owner_died(pending + (uint64_t)head.futex_offset, t->pid, true);
}
