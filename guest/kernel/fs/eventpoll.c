/* See vitro/eventpoll.h. Each watched file gets wait-queue entries whose wake
 * function puts its item on the epoll's ready list and wakes the epoll's
 * sleepers, so a wait looks only at items something happened to. A wait
 * takes each ready item off the list, polls its file and reports what the
 * item asks for; a level-triggered item that was ready goes back on the
 * list (to be looked at again next time), an edge-triggered one waits for
 * its file's next wake-up, and a one-shot one is disarmed until
 * EPOLL_CTL_MOD.
 *
 * Locking: epoll_lock, one for all epolls, guards interest lists, the
 * files' f_ep_links and the polling of watched files by ctl and wait, so no
 * item goes away while it is looked at (file poll methods do not sleep, as
 * on Linux). Each epoll's own lock, taken with interrupts off since the
 * terminal wakes its readers from an interrupt, guards its ready list. Wake
 * functions run under the watched file's wait-queue lock, so removing an
 * item's entries waits out any that is running. */
#include <asm/poll.h>
#include <vitro/anon_inodes.h>
#include <vitro/errno.h>
#include <vitro/eventpoll.h>
#include <vitro/poll.h>
#include <vitro/slab.h>
#include <vitro/task.h>
#include <vitro/time.h>
#include <vitro/wait.h>

#include "internal.h"

/* What an item asks for beyond events: how, not what, to report. */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
/* What may come with EPOLLEXCLUSIVE (Linux's EPOLLEXCLUSIVE_OK_BITS). */
#define EP_EXCLUSIVE_OK_BITS                                                                     \
	(EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | EPOLLERR | \
	 EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
/* Linux's EP_MAX_NESTS: epolls watching epolls, at most this deep. */
#define EP_MAX_NESTS 4
/* Wait queues one file's poll method may name (pipes and the terminal name one). */
#define EP_MAX_HOOKS 2

struct epitem;

struct ep_hook {
	struct wait_queue_entry wait;
	struct wait_queue_head *wq;
	struct epitem *item;
};

struct eventpoll {
	struct spinlock lock; /* ready and the items' is_ready */
	struct list_head ready;
	struct wait_queue_head wq; /* epoll_wait's sleepers */
	struct wait_queue_head poll_wq; /* those polling the epoll file itself */
	struct list_head items; /* under epoll_lock */
};

struct epitem {
	struct list_head link; /* in ep->items */
	struct list_head file_link; /* in file->f_ep_links */
	struct list_head ready_link; /* in ep->ready while is_ready */
	bool is_ready;
	struct eventpoll *ep;
	struct file *file;
	int fd;
	uint32_t events; /* EPOLL*; only private bits once a one-shot fired */
	uint64_t data;
	struct ep_hook hooks[EP_MAX_HOOKS];
	unsigned int nr_hooks;
};

static struct spinlock epoll_lock = SPINLOCK_INIT;

static const struct file_operations eventpoll_fops;

bool is_epoll_file(const struct file *file)
{
	return file->f_op == &eventpoll_fops;
}

/* Puts item on the ready list unless it is there or disarmed; returns
 * whether it did. */
static bool ep_queue_ready(struct epitem *item)
{
	struct eventpoll *ep = item->ep;
	unsigned long flags = spin_lock_irqsave(&ep->lock);
	bool is_new = (item->events & ~EP_PRIVATE_BITS) && !item->is_ready;

	if (is_new) {
		item->is_ready = true;
		list_add_tail(&item->ready_link, &ep->ready);
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	return is_new;
}

static void ep_mark_ready(struct epitem *item)
{
	if (ep_queue_ready(item)) {
		wake_up_all(&item->ep->wq);
		wake_up_all(&item->ep->poll_wq);
	}
}

/* A watched file's wait queue was woken. */
static bool ep_wake(struct wait_queue_entry *wait)
{
	ep_mark_ready(container_of(wait, struct ep_hook, wait)->item);
	return false;
}

struct ep_poll_table {
	struct poll_table pt;
	struct epitem *item;
	int err;
};

static void ep_hook_queue(struct poll_table *pt, struct wait_queue_head *wq)
{
	struct ep_poll_table *ept = container_of(pt, struct ep_poll_table, pt);
	struct epitem *item = ept->item;
	struct ep_hook *hook;

	if (item->nr_hooks == EP_MAX_HOOKS) {
		ept->err = -ENOMEM;
		return;
	}
	hook = &item->hooks[item->nr_hooks++];
	wait_queue_entry_init(&hook->wait);
	hook->wait.wake = ep_wake;
	hook->wq = wq;
	hook->item = item;
	add_wait_queue(wq, &hook->wait);
}

/* Off the watched file's queues and the ready list. epoll_lock held. */
static void ep_unhook(struct epitem *item)
{
	unsigned long flags;

	for (unsigned int i = 0; i < item->nr_hooks; i++)
		remove_wait_queue(item->hooks[i].wq, &item->hooks[i].wait);
	item->nr_hooks = 0;
	flags = spin_lock_irqsave(&item->ep->lock);
	if (item->is_ready) {
		list_del(&item->ready_link);
		item->is_ready = false;
	}
	spin_unlock_irqrestore(&item->ep->lock, flags);
}

static void ep_remove(struct epitem *item)
{
	ep_unhook(item);
	list_del(&item->link);
	list_del(&item->file_link);
	kfree(item);
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *file, int fd)
{
	struct epitem *item;

	list_for_each_entry(item, &ep->items, link) {
		if (item->file == file && item->fd == fd)
			return item;
	}
	return NULL;
}

/* Whether watching target (an epoll, depth levels below ep) would let ep
 * reach itself, or nest epolls deeper than Linux allows. */
static bool ep_would_loop(struct eventpoll *ep, struct eventpoll *target, int depth)
{
	struct epitem *item;

	if (target == ep || depth > EP_MAX_NESTS)
		return true;
	list_for_each_entry(item, &target->items, link) {
		if (is_epoll_file(item->file) &&
		    ep_would_loop(ep, item->file->private_data, depth + 1))
			return true;
	}
	return false;
}

static int ep_insert(struct eventpoll *ep, struct epitem *item, struct file *target, int fd,
		     uint32_t events, uint64_t data)
{
	struct ep_poll_table ept = { .pt.queue = ep_hook_queue, .item = item };
	unsigned int mask;

	*item = (struct epitem){
		.ep = ep, .file = target, .fd = fd, .events = events, .data = data
	};
	list_add_tail(&item->link, &ep->items);
	list_add_tail(&item->file_link, &target->f_ep_links);
	mask = vfs_poll(target, &ept.pt);
	if (ept.err) {
		ep_unhook(item);
		list_del(&item->link);
		list_del(&item->file_link);
		return ept.err;
	}
	if (mask & events)
		ep_mark_ready(item);
	return 0;
}

static void ep_modify(struct epitem *item, uint32_t events, uint64_t data)
{
	item->events = events;
	item->data = data;
	/* Re-armed: what is ready now is reported, edge-triggered or not. */
	if (vfs_poll(item->file, NULL) & events)
		ep_mark_ready(item);
}

int vfs_epoll_ctl(struct file *ep_file, int op, int fd, struct file *target,
		  const struct epoll_event *event)
{
	struct epitem *item, *new_item = NULL;
	struct eventpoll *ep;
	uint32_t events = 0;
	int err;

	if (!target->f_op->poll)
		return -EPERM;
	if (op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) {
		/* Errors and hang-ups are always reported. EPOLLWAKEUP keeps a
		 * system from suspending, which this one never does. */
		events = (event->events | EPOLLERR | EPOLLHUP) & ~EPOLLWAKEUP;
		if ((events & EPOLLEXCLUSIVE) && (op == EPOLL_CTL_MOD || is_epoll_file(target) ||
						  (events & ~EP_EXCLUSIVE_OK_BITS)))
			return -EINVAL;
	} else if (op != EPOLL_CTL_DEL) {
		return -EINVAL;
	}
	if (!is_epoll_file(ep_file) || target == ep_file)
		return -EINVAL;
	ep = ep_file->private_data;
	if (op == EPOLL_CTL_ADD) {
		new_item = kzalloc(sizeof(*new_item), GFP_KERNEL);
		if (!new_item)
			return -ENOMEM;
	}
	spin_lock(&epoll_lock);
	item = ep_find(ep, target, fd);
	if (op == EPOLL_CTL_ADD) {
		if (item)
			err = -EEXIST;
		else if (is_epoll_file(target) && ep_would_loop(ep, target->private_data, 1))
			err = -ELOOP;
		else if (!(err = ep_insert(ep, new_item, target, fd, events, event->data)))
			new_item = NULL;
	} else if (!item) {
		err = -ENOENT;
	} else if (op == EPOLL_CTL_MOD) {
		/* EPOLLEXCLUSIVE items cannot be changed, as on Linux. */
		err = item->events & EPOLLEXCLUSIVE ? -EINVAL : 0;
		if (!err)
			ep_modify(item, events, event->data);
	} else {
		ep_remove(item);
		err = 0;
	}
	spin_unlock(&epoll_lock);
	kfree(new_item);
	return err;
}

/* Moves what is ready into out. epoll_lock held. */
static int ep_send_events(struct eventpoll *ep, struct epoll_event *out, int maxevents)
{
	struct list_head batch;
	unsigned long flags;
	int n = 0;

	list_init(&batch);
	flags = spin_lock_irqsave(&ep->lock);
	while (!list_empty(&ep->ready))
		list_move_tail(ep->ready.next, &batch);
	spin_unlock_irqrestore(&ep->lock, flags);
	while (n < maxevents) {
		struct epitem *item;
		uint32_t revents;

		/* Off the list before its file is polled: a wake-up from now on
		 * queues it again, so no edge is lost. */
		flags = spin_lock_irqsave(&ep->lock);
		if (list_empty(&batch)) {
			spin_unlock_irqrestore(&ep->lock, flags);
			break;
		}
		item = list_first_entry(&batch, struct epitem, ready_link);
		list_del(&item->ready_link);
		item->is_ready = false;
		spin_unlock_irqrestore(&ep->lock, flags);

		revents = vfs_poll(item->file, NULL) & item->events & ~EP_PRIVATE_BITS;
		if (!revents)
			continue;
		out[n].events = revents;
		out[n].data = item->data;
		n++;
		if (item->events & EPOLLONESHOT)
			item->events &= EP_PRIVATE_BITS;
		else if (!(item->events & EPOLLET))
			ep_queue_ready(item);
	}
	/* Not reached this time (maxevents): first in line next time. */
	flags = spin_lock_irqsave(&ep->lock);
	while (!list_empty(&ep->ready))
		list_move_tail(ep->ready.next, &batch);
	while (!list_empty(&batch))
		list_move_tail(batch.next, &ep->ready);
	spin_unlock_irqrestore(&ep->lock, flags);
	return n;
}

static bool ep_has_ready(struct eventpoll *ep)
{
	unsigned long flags = spin_lock_irqsave(&ep->lock);
	bool has_ready = !list_empty(&ep->ready);

	spin_unlock_irqrestore(&ep->lock, flags);
	return has_ready;
}

int vfs_epoll_wait(struct file *ep_file, struct epoll_event *events, int maxevents,
		   uint64_t timeout_ns)
{
	uint64_t deadline =
		timeout_ns == POLL_WAIT_FOREVER ? UINT64_MAX : ktime_get_ns() + timeout_ns;
	struct eventpoll *ep;

	if (!is_epoll_file(ep_file) || maxevents <= 0)
		return -EINVAL;
	ep = ep_file->private_data;
	for (;;) {
		struct wait_queue_entry wait;
		uint64_t now;
		int n;

		spin_lock(&epoll_lock);
		n = ep_send_events(ep, events, maxevents);
		spin_unlock(&epoll_lock);
		/* Level-triggered items still ready: other sleepers may take them. */
		if (ep_has_ready(ep))
			wake_up_all(&ep->wq);
		now = ktime_get_ns();
		if (n || !timeout_ns || now >= deadline)
			return n;
		/* Until signals exist nothing ends this sleep early (EINTR). */
		wait_queue_entry_init(&wait);
		prepare_to_wait(&ep->wq, &wait, TASK_INTERRUPTIBLE);
		if (!ep_has_ready(ep)) {
			if (deadline == UINT64_MAX)
				schedule();
			else
				schedule_timeout(deadline - now);
		}
		finish_wait(&ep->wq, &wait);
	}
}

static unsigned int ep_poll(struct file *file, struct poll_table *wait)
{
	struct eventpoll *ep = file->private_data;

	poll_wait(wait, &ep->poll_wq);
	/* Linux polls the ready items to be sure; here an item on the list is
	 * taken as ready, so a level-triggered one that stopped being ready
	 * since the last epoll_wait may make this say so once too often. */
	return ep_has_ready(ep) ? POLLIN | POLLRDNORM : 0;
}

static int ep_release(struct inode *inode, struct file *file)
{
	struct eventpoll *ep = file->private_data;

	(void)inode;
	spin_lock(&epoll_lock);
	while (!list_empty(&ep->items))
		ep_remove(list_first_entry(&ep->items, struct epitem, link));
	spin_unlock(&epoll_lock);
	kfree(ep);
	return 0;
}

static const struct file_operations eventpoll_fops = {
	.poll = ep_poll,
	.release = ep_release,
};

void eventpoll_release(struct file *file)
{
	spin_lock(&epoll_lock);
	while (!list_empty(&file->f_ep_links))
		ep_remove(list_first_entry(&file->f_ep_links, struct epitem, file_link));
	spin_unlock(&epoll_lock);
}

int vfs_epoll_create(unsigned int flags, struct file **result)
{
	struct eventpoll *ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	struct file *file;

	if (!ep)
		return -ENOMEM;
	spin_lock_init(&ep->lock);
	list_init(&ep->ready);
	list_init(&ep->items);
	wait_queue_head_init(&ep->wq);
	wait_queue_head_init(&ep->poll_wq);
	file = anon_inode_getfile(&eventpoll_fops, ep, flags);
	if (!file) {
		kfree(ep);
		return -ENOMEM;
	}
	*result = file;
	return 0;
}
