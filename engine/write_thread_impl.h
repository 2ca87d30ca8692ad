/*
 * write_thread_impl.h — what write_thread.c, write_thread_wait.c and
 * write_thread_mem.c share (not part of the engine's interface).
 * Thread safety: as noted at each function's definition.
 */
#ifndef WT_WRITE_THREAD_IMPL_H
#define WT_WRITE_THREAD_IMPL_H

#include "write_thread.h"

/* write_thread_wait.c */
/* A writer-list event of queue q; `other`: the writer it names besides
 * the emitting thread (UINT32_MAX: none). */
void wtq_emit_list(port_event_kind kind, uint32_t who, wt_queue_id q, uint64_t b, uint64_t c,
                   uint32_t other);
/* Moves w to new_state and wakes its owner if parked; w may be gone after. */
void wtq_set_state(wt_writer *w, uint32_t new_state);
/* AwaitState: returns w's state once it is in goal_mask. */
uint32_t wtq_await_state(write_thread *wt, wt_writer *w, uint32_t goal_mask,
                         wt_await_context *ctx);

/* write_thread_prewake.c */
/* A leader enters: publishes whether a sync group forms. */
void wtq_prewake_enter(write_thread *wt, const wt_writer *leader);
void wtq_prewake_stamp(const write_thread *wt, wt_writer *w);
/* True when w's wait in ctx should use the pre-wake (sync writer joining). */
bool wtq_prewake_applies(const write_thread *wt, const wt_writer *w, const wt_await_context *ctx);
/* True when w (a sync writer joining) may skip spinning and yielding:
 * a sync group is forming or syncing, so its wait lasts a whole fsync. */
bool wtq_prewake_skip_spin(const write_thread *wt, const wt_writer *w, const wt_await_context *ctx);
/* Waits with timed parks and a bounded yield; returns w's state: in
 * goal_mask, or not (then the caller parks until woken). */
uint32_t wtq_prewake_await(write_thread *wt, wt_writer *w, uint32_t goal_mask);

/* write_thread.c */
/* Pushes w onto the list at *head; true when w is the leader. */
bool wtq_link_one(write_thread *wt, wt_writer *w, port_atomic_ptr *head);
/* CreateMissingNewerLinks on queue q from head back. */
void wtq_create_missing_newer_links(wt_queue_id q, wt_writer *head);
/* The most bytes a group led by a leader_size-byte batch may hold. */
size_t wtq_group_size_limit(const write_thread *wt, size_t leader_size);

#endif
