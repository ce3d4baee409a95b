/*
 * fiber.c — request handlers on full-size stacks, without leaving the civetweb worker's thread.
 *
 * Debian's civetweb creates its workers with 100 KiB stacks (a compile-time constant, no runtime
 * option), too small for the library: ICU, the scorer, file reading with 64 KiB buffers, and
 * everything under AddressSanitizer, whose frames are larger still. Handing each request to a
 * thread of our own (pool.c, as before) cost two thread switches and a shared lock per request:
 * under wrk on 2 cores the profile showed a third of the server's time in futex waits and wake-ups
 * (BENCHMARKS.md, HTTP section). So instead each civetweb worker gets one FIBER_STACK stack of its
 * own, mapped at its first request (pages are committed only when touched) with a guard page below
 * it, and switches to it for the length of the handler (makecontext, getcontext/setcontext: a few
 * signal-mask system calls, no scheduler). The stack is unmapped when the worker thread ends.
 *
 * The thread stays the same, so thread-local state (the library's error message, ICU's per-thread
 * transliterators, the malloc arena) behaves exactly as on the worker's own stack. Under
 * AddressSanitizer every switch is announced (__sanitizer_*_switch_fiber) so that ASan knows which
 * stack is live and does not report false stack overflows.
 */
#include "server/fiber.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define XG_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XG_FIBER_ASAN 1
#endif
#endif
#ifdef XG_FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#define FIBER_STACK (8u << 20)

/* Lives at the top of its own mapping: [guard page][stack ...][fiber]. */
typedef struct fiber {
    void *map;
    size_t maplen;
    char *stack;
    size_t stack_size;
    ucontext_t caller, self;
    pool_fn fn;
    void *arg;
    int result;
    volatile bool started;     /* set before the switch in: getcontext returns twice */
    void *fake;                /* ASan's fake stack of the worker while the fiber runs */
    const void *caller_bottom; /* the worker's stack, for ASan */
    size_t caller_size;
} fiber;

static pthread_key_t fiber_key;
static pthread_once_t fiber_once = PTHREAD_ONCE_INIT;
static bool fiber_key_ok;

static void fiber_destroy(void *p)
{
    fiber *f = p;
    munmap(f->map, f->maplen);
}

static void fiber_key_make(void)
{
    fiber_key_ok = pthread_key_create(&fiber_key, fiber_destroy) == 0;
}

/* makecontext passes int arguments only: the fiber is found through the key. */
static void fiber_entry(void)
{
    fiber *f = pthread_getspecific(fiber_key);
#ifdef XG_FIBER_ASAN
    __sanitizer_finish_switch_fiber(NULL, &f->caller_bottom, &f->caller_size);
#endif
    f->result = f->fn(f->arg);
#ifdef XG_FIBER_ASAN
    /* NULL: this run of the fiber is over (its fake stack frames can go) */
    __sanitizer_start_switch_fiber(NULL, f->caller_bottom, f->caller_size);
#endif
    setcontext(&f->caller); /* fiber_run's getcontext returns again; never comes back */
}

static fiber *fiber_get(void)
{
    pthread_once(&fiber_once, fiber_key_make);
    if (!fiber_key_ok) return NULL;
    fiber *f = pthread_getspecific(fiber_key);
    if (f) return f;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t tail = (sizeof *f + page - 1) / page * page;
    size_t len = page + FIBER_STACK + tail;
    void *map = mmap(NULL, len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (map == MAP_FAILED) return NULL;
    if (mprotect(map, page, PROT_NONE) != 0) { /* the guard: an overflow faults, never corrupts */
        munmap(map, len);
        return NULL;
    }
    f = (fiber *)((char *)map + page + FIBER_STACK);
    f->map = map;
    f->maplen = len;
    f->stack = (char *)map + page;
    f->stack_size = FIBER_STACK;
    if (getcontext(&f->self) != 0 || pthread_setspecific(fiber_key, f) != 0) {
        munmap(map, len);
        return NULL;
    }
    return f;
}

int fiber_run(pool_fn fn, void *arg, int *result)
{
    fiber *f = fiber_get();
    if (!f) return -1;
    f->fn = fn;
    f->arg = arg;
    /* A fresh start each time: the previous run left through setcontext, not by returning. */
    f->self.uc_stack.ss_sp = f->stack;
    f->self.uc_stack.ss_size = f->stack_size;
    f->self.uc_link = NULL;
    makecontext(&f->self, fiber_entry, 0);
#ifdef XG_FIBER_ASAN
    /* The last run left fiber_entry through setcontext, not by returning: whatever poisoning its
     * frame had lingers at the top of the stack (every deeper frame returned normally). */
    __asan_unpoison_memory_region(f->stack + f->stack_size - 65536, 65536);
    f->fake = NULL;
#endif
    /* getcontext + setcontext rather than swapcontext, whose ASan interceptor warns at its first
     * use; the annotations around the switch do what it would do. */
    f->started = false;
    if (getcontext(&f->caller) != 0) return -1;
    if (!f->started) { /* first return: switch in */
        f->started = true;
#ifdef XG_FIBER_ASAN
        __sanitizer_start_switch_fiber(&f->fake, f->stack, f->stack_size);
#endif
        setcontext(&f->self);
        return -1; /* setcontext failed: nothing ran */
    }
    /* second return: fiber_entry is done */
#ifdef XG_FIBER_ASAN
    __sanitizer_finish_switch_fiber(f->fake, NULL, NULL);
#endif
    *result = f->result;
    return 0;
}
