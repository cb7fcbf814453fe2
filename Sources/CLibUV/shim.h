#include <uv.h>

/* The calling thread's CFS/EEVDF time slice (Loop/LoopThreadSlice.swift): sched_setattr(2) with SCHED_OTHER and
   sched_runtime, which Linux 6.12 and later take as the thread's slice request. No glibc wrapper before 2.41, and
   syscall(2) is variadic, which Swift cannot call. Returns 0 or -errno. */
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>

struct eureka_sched_attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
};

static inline int eureka_thread_slice_get(uint64_t *nanos) {
    struct eureka_sched_attr attr;
    memset(&attr, 0, sizeof attr);
    if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) return -errno;
    *nanos = attr.runtime;
    return 0;
}

/* Keeps the thread's policy (it must be SCHED_OTHER) and nice value; 0 nanoseconds asks for the kernel's default.
   SCHED_FLAG_RESET_ON_FORK: threads started later by this one (libuv's pool, started lazily from the loop thread)
   get the kernel's default slice, not this one: a shorter slice than theirs is what lets the loop preempt them. */
static inline int eureka_thread_slice_set(uint64_t nanos) {
    struct eureka_sched_attr attr;
    memset(&attr, 0, sizeof attr);
    if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) return -errno;
    if (attr.policy != SCHED_OTHER) return -EPERM;
    attr.size = sizeof attr;
    attr.flags = 0x01; /* SCHED_FLAG_RESET_ON_FORK */
    attr.runtime = nanos;
    if (syscall(SYS_sched_setattr, 0, &attr, 0) != 0) return -errno;
    return 0;
}
