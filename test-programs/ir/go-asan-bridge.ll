; Package runtime/asan's C (go build -asan, cgo's asan.cgo2.c in a temporary directory) is left
; alone by name: __asan_read_go and __asan_write_go run for Go's compiler-inserted checks on Go
; stacks and pass Go's addresses on to the sanitizer interface; a function of the same module
; that is not one of the bridges is still checked. The write bridge's question is redirected.
; RUN: %opt_ffisan -S %s | FileCheck %s

source_filename = "/tmp/go-build123/b042/asan.cgo2.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare i32 @__asan_region_is_poisoned(ptr, i64)
declare void @__asan_report_error(ptr, ptr, ptr, ptr, i32, i64)

; CHECK-LABEL: define void @__asan_read_go(
; CHECK-NOT: ffisan
; CHECK: call i32 @__asan_region_is_poisoned
; CHECK-NOT: ffisan
; CHECK: ret void
define void @__asan_read_go(ptr %addr, i64 %sz, ptr %sp, ptr %pc) sanitize_address {
  %p = call i32 @__asan_region_is_poisoned(ptr %addr, i64 %sz)
  %b = icmp ne i32 %p, 0
  br i1 %b, label %report, label %done
report:
  call void @__asan_report_error(ptr %pc, ptr null, ptr %sp, ptr %addr, i32 0, i64 %sz)
  br label %done
done:
  ret void
}

; The write bridge asks for the first byte a store may not go to (read-only data too), the
; rest of it unchanged; the read bridge above keeps __asan_region_is_poisoned.
; CHECK-LABEL: define void @__asan_write_go(
; CHECK-NOT: ffisan_
; CHECK: call i32 @__ffisan_region_is_unwritable(ptr %addr, i64 %sz)
; CHECK-NOT: ffisan_
; CHECK: call void @__asan_report_error(ptr %pc, ptr null, ptr %sp, ptr %addr, i32 1, i64 %sz)
; CHECK-NOT: ffisan_
; CHECK: ret void
define void @__asan_write_go(ptr %addr, i64 %sz, ptr %sp, ptr %pc) sanitize_address {
  %p = call i32 @__asan_region_is_poisoned(ptr %addr, i64 %sz)
  %b = icmp ne i32 %p, 0
  br i1 %b, label %report, label %done
report:
  call void @__asan_report_error(ptr %pc, ptr null, ptr %sp, ptr %addr, i32 1, i64 %sz)
  br label %done
done:
  ret void
}

; CHECK-LABEL: define void @__asan_register_globals_go(
; CHECK-NEXT: load i64
; CHECK-NEXT: ret void
define void @__asan_register_globals_go(ptr %g, i64 %n) sanitize_address {
  %v = load i64, ptr %g, align 8
  ret void
}

; CHECK-LABEL: define i32 @not_a_bridge(
; CHECK: ffisan
; CHECK: ret i32
define i32 @not_a_bridge(ptr %p) sanitize_address {
  %v = load i32, ptr %p, align 4
  ret i32 %v
}
