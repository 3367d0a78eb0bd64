// SPDX-License-Identifier: GPL-2.0
/*
 * The state a CONFIG_KUNIT kernel would hold for KUnit, kept inside
 * kunit.ko instead: the kunit_running key, the hooks table, and the test
 * each task is running (task_struct::kunit_test upstream). That last one is
 * a short list of (task, test) entries keyed by the task pointer; each
 * entry holds a reference on its task, so the pointer cannot be reused by
 * another task while the entry exists, and is owned by its test as a KUnit
 * action, so kunit_cleanup() of the test drops it even when the task that
 * set it was killed by a failed assertion. See kunit_shim.h for why.
 */
#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kunit/test.h>
#include "kunit_shim_layout.h"

/* Generated from the kernel's BTF by prepare.sh: the layouts we must keep. */
static_assert(sizeof(struct task_struct) == KUNIT_SHIM_TASK_STRUCT_SIZE,
	      "task_struct differs from the running kernel's");
static_assert(sizeof(struct module) == KUNIT_SHIM_MODULE_SIZE,
	      "struct module differs from the running kernel's");

DEFINE_STATIC_KEY_FALSE(kunit_running);
struct kunit_hooks_table kunit_hooks;

struct kunit_shim_task {
	struct list_head node;
	struct task_struct *task;	/* referenced */
	struct kunit *test;
};

static LIST_HEAD(kunit_shim_tasks);
static DEFINE_SPINLOCK(kunit_shim_lock);

/* Caller holds kunit_shim_lock. */
static struct kunit_shim_task *kunit_shim_find_locked(struct task_struct *t)
{
	struct kunit_shim_task *e;

	lockdep_assert_held(&kunit_shim_lock);
	list_for_each_entry(e, &kunit_shim_tasks, node)
		if (e->task == t)
			return e;
	return NULL;
}

/* KUnit action: runs once, when the owning test is cleaned up or released. */
static void kunit_shim_forget(void *data)
{
	struct kunit_shim_task *e = data;
	unsigned long flags;

	spin_lock_irqsave(&kunit_shim_lock, flags);
	list_del(&e->node);
	spin_unlock_irqrestore(&kunit_shim_lock, flags);
	put_task_struct(e->task);
	kfree(e);
}

struct kunit *kunit_shim_current_test(void)
{
	struct kunit_shim_task *e;
	struct kunit *test = NULL;
	unsigned long flags;

	spin_lock_irqsave(&kunit_shim_lock, flags);
	e = kunit_shim_find_locked(current);
	if (e)
		test = e->test;
	spin_unlock_irqrestore(&kunit_shim_lock, flags);
	return test;
}

void kunit_shim_set_current_test(struct kunit *test)
{
	struct kunit_shim_task *e;
	struct kunit *old_test = NULL;
	unsigned long flags;

	spin_lock_irqsave(&kunit_shim_lock, flags);
	e = kunit_shim_find_locked(current);
	if (e && e->test == test) {
		spin_unlock_irqrestore(&kunit_shim_lock, flags);
		return;
	}
	if (e)
		old_test = e->test;
	spin_unlock_irqrestore(&kunit_shim_lock, flags);

	/*
	 * Drop the old entry through its owner; if that test already ran
	 * its cleanup, e is gone and nothing matches (only the pointer
	 * value is compared).
	 */
	if (old_test)
		kunit_release_action(old_test, kunit_shim_forget, e);
	if (!test)
		return;

	/* Process context: KUnit sets the test at the start of a kthread. */
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return;		/* then this task runs no test, as far as we know */
	e->task = get_task_struct(current);
	e->test = test;
	spin_lock_irqsave(&kunit_shim_lock, flags);
	list_add(&e->node, &kunit_shim_tasks);
	spin_unlock_irqrestore(&kunit_shim_lock, flags);
	kunit_add_action_or_reset(test, kunit_shim_forget, e);
}
