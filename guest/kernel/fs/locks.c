/* Advisory locks (see vitro/fs.h): each inode keeps its locks in a list,
 * one table lock guards them all, and a sleeper waits on one queue that
 * every release wakes. An owner's own locks never overlap: a new range is
 * first carved out of them (a lock that covers it on both sides splits),
 * then added and merged with its neighbours of the same type, so a change
 * needs at most two new entries, allocated before the table lock. */
#include <vitro/errno.h>
#include <vitro/slab.h>
#include <vitro/task.h>
#include <vitro/wait.h>

#include "internal.h"

struct file_lock {
	struct list_head link; /* in the inode's i_flock */
	enum file_lock_kind kind;
	const void *owner;
	int type; /* F_RDLCK or F_WRLCK */
	int64_t start, end;
	int pid;
};

/* A POSIX owner asleep on another's lock, for deadlock detection. */
struct lock_waiter {
	struct list_head link;
	const void *owner;
	const void *blocker;
};

/* Linux's MAX_DEADLK_ITERATIONS: how far a chain of waiters is followed. */
#define MAX_DEADLOCK_STEPS 10

static struct spinlock flock_lock = SPINLOCK_INIT;
static struct wait_queue_head flock_wait = WAIT_QUEUE_HEAD_INIT(flock_wait);
static LIST_HEAD_DECLARE(lock_waiters);

static bool is_own(const struct file_lock *fl, enum file_lock_kind kind, const void *owner)
{
	return fl->kind == kind && fl->owner == owner;
}

static bool locks_conflict(const struct file_lock *held, enum file_lock_kind kind,
			   const void *owner, const struct file_lock_range *req)
{
	/* flock locks and record locks live apart, as on Linux. */
	if ((held->kind == FILE_LOCK_FLOCK) != (kind == FILE_LOCK_FLOCK))
		return false;
	if (is_own(held, kind, owner) || held->end < req->start || req->end < held->start)
		return false;
	return held->type == F_WRLCK || req->type == F_WRLCK;
}

static struct file_lock *find_conflict(struct inode *inode, enum file_lock_kind kind,
				       const void *owner, const struct file_lock_range *req)
{
	struct file_lock *fl;

	list_for_each_entry(fl, &inode->i_flock, link) {
		if (locks_conflict(fl, kind, owner, req))
			return fl;
	}
	return NULL;
}

static bool is_valid_request(const struct file_lock_range *req)
{
	return (req->type == F_RDLCK || req->type == F_WRLCK || req->type == F_UNLCK) &&
	       req->start >= 0 && req->end >= req->start;
}

int vfs_lock_test(struct file *file, enum file_lock_kind kind, const void *owner,
		  struct file_lock_range *req)
{
	struct file_lock *fl;

	if (!is_valid_request(req) || req->type == F_UNLCK)
		return -EINVAL;
	spin_lock(&flock_lock);
	fl = find_conflict(file->f_inode, kind, owner, req);
	if (fl)
		*req = (struct file_lock_range){ .type = fl->type,
						 .start = fl->start,
						 .end = fl->end,
						 .pid = fl->kind == FILE_LOCK_OFD ? -1 : fl->pid };
	else
		req->type = F_UNLCK;
	spin_unlock(&flock_lock);
	return 0;
}

/* Who owner waits for, or NULL. Lock held. */
static const void *waits_for(const void *owner)
{
	struct lock_waiter *w;

	list_for_each_entry(w, &lock_waiters, link) {
		if (w->owner == owner)
			return w->blocker;
	}
	return NULL;
}

static bool would_deadlock(const void *owner, const void *blocker)
{
	for (int i = 0; i < MAX_DEADLOCK_STEPS && blocker; i++) {
		if (blocker == owner)
			return true;
		blocker = waits_for(blocker);
	}
	return false;
}

static struct file_lock *take_spare(struct file_lock **spare)
{
	struct file_lock *fl = spare[0] ? spare[0] : spare[1];

	if (fl == spare[0])
		spare[0] = NULL;
	else
		spare[1] = NULL;
	return fl;
}

static bool are_adjacent(const struct file_lock *a, const struct file_lock *b)
{
	return (a->end != FILE_LOCK_END && a->end + 1 == b->start) ||
	       (b->end != FILE_LOCK_END && b->end + 1 == a->start);
}

/* Lock held; no conflict. */
static void lock_apply(struct inode *inode, enum file_lock_kind kind, const void *owner,
		       const struct file_lock_range *req, struct file_lock **spare)
{
	struct file_lock *fl, *next, *new;

	list_for_each_entry_safe(fl, next, &inode->i_flock, link) {
		if (!is_own(fl, kind, owner) || fl->end < req->start || req->end < fl->start)
			continue;
		if (fl->start < req->start && fl->end > req->end) {
			struct file_lock *tail = take_spare(spare);

			*tail = *fl;
			tail->start = req->end + 1;
			list_add(&tail->link, &fl->link);
			fl->end = req->start - 1;
		} else if (fl->start < req->start) {
			fl->end = req->start - 1;
		} else if (fl->end > req->end) {
			fl->start = req->end + 1;
		} else {
			list_del(&fl->link);
			kfree(fl);
		}
	}
	if (req->type == F_UNLCK)
		return;
	new = take_spare(spare);
	*new = (struct file_lock){ .kind = kind,
				   .owner = owner,
				   .type = req->type,
				   .start = req->start,
				   .end = req->end,
				   .pid = req->pid };
	list_for_each_entry_safe(fl, next, &inode->i_flock, link) {
		if (!is_own(fl, kind, owner) || fl->type != new->type || !are_adjacent(fl, new))
			continue;
		if (fl->start < new->start)
			new->start = fl->start;
		if (fl->end > new->end)
			new->end = fl->end;
		list_del(&fl->link);
		kfree(fl);
	}
	list_add_tail(&new->link, &inode->i_flock);
}

int vfs_lock_set(struct file *file, enum file_lock_kind kind, const void *owner,
		 const struct file_lock_range *req, bool wait)
{
	struct file_lock *spare[2];
	struct lock_waiter waiter = { .owner = owner };
	struct wait_queue_entry wait_entry;
	int err = 0;

	if (!is_valid_request(req))
		return -EINVAL;
	if (kind != FILE_LOCK_FLOCK && ((req->type == F_RDLCK && !(file->f_mode & FMODE_READ)) ||
					(req->type == F_WRLCK && !(file->f_mode & FMODE_WRITE))))
		return -EBADF;
	spare[0] = kmalloc(sizeof(struct file_lock), GFP_KERNEL);
	spare[1] = kmalloc(sizeof(struct file_lock), GFP_KERNEL);
	if (!spare[0] || !spare[1]) {
		kfree(spare[0]);
		kfree(spare[1]);
		return -ENOLCK;
	}
	wait_queue_entry_init(&wait_entry);
	spin_lock(&flock_lock);
	for (;;) {
		struct file_lock *blocker = req->type == F_UNLCK ?
						    NULL :
						    find_conflict(file->f_inode, kind, owner, req);

		if (!blocker) {
			lock_apply(file->f_inode, kind, owner, req, spare);
			break;
		}
		if (!wait) {
			err = -EAGAIN;
			break;
		}
		if (kind == FILE_LOCK_POSIX && would_deadlock(owner, blocker->owner)) {
			err = -EDEADLK;
			break;
		}
		/* Until signals exist nothing interrupts this sleep (EINTR). */
		waiter.blocker = blocker->owner;
		list_add(&waiter.link, &lock_waiters);
		prepare_to_wait(&flock_wait, &wait_entry, TASK_INTERRUPTIBLE);
		spin_unlock(&flock_lock);
		schedule();
		finish_wait(&flock_wait, &wait_entry);
		spin_lock(&flock_lock);
		list_del(&waiter.link);
	}
	spin_unlock(&flock_lock);
	kfree(spare[0]);
	kfree(spare[1]);
	/* A release or a downgrade may let a sleeper through. */
	if (!err)
		wake_up_all(&flock_wait);
	return err;
}

/* Drops the locks of inode that match. */
static void locks_remove_matching(struct inode *inode, const void *owner, bool is_file_owner)
{
	struct file_lock *fl, *next;
	bool removed = false;

	spin_lock(&flock_lock);
	list_for_each_entry_safe(fl, next, &inode->i_flock, link) {
		if (fl->owner != owner || (fl->kind != FILE_LOCK_POSIX) != is_file_owner)
			continue;
		list_del(&fl->link);
		kfree(fl);
		removed = true;
	}
	spin_unlock(&flock_lock);
	if (removed)
		wake_up_all(&flock_wait);
}

void locks_remove_posix(struct file *file, const void *owner)
{
	if (!list_empty(&file->f_inode->i_flock))
		locks_remove_matching(file->f_inode, owner, false);
}

void locks_remove_file(struct file *file)
{
	if (!list_empty(&file->f_inode->i_flock))
		locks_remove_matching(file->f_inode, file, true);
}
