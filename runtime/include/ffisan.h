/* ffisan runtime C API: tell the runtime about memory owned by a managed (garbage-collected)
 * runtime, and about native code running on behalf of a managed caller.
 * Link with -lffisan_rt (the `ffisan` driver does this). Safe to call from any thread, at any time. */
#ifndef FFISAN_H
#define FFISAN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* [base, base+size) belongs to a managed heap called `name` (copied; NULL means "managed").
 * Native accesses to it are then checked against FFISAN_OPTIONS=managed_policy. Regions of the
 * same name that touch are shown as one. */
void ffisan_register_managed_region(const void *base, size_t size, const char *name);

/* Forgets [base, base+size), which may be any part of one or more registered regions (for example
 * memory the managed runtime pinned and handed to native code for good). */
void ffisan_unregister_managed_region(const void *base, size_t size);

/* This thread now runs native code for a managed caller (a cgo call); begin/end pairs nest. */
void ffisan_call_window_begin(void);
void ffisan_call_window_end(void);

/* What `addr` points into: "c-heap", "stack", "global", "read-only", "managed", "unknown" or
 * "freed". The string is static. */
const char *ffisan_region_kind(const void *addr);

#ifdef __cplusplus
}
#endif

#endif /* FFISAN_H */
