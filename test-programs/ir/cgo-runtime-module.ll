; A module compiled from Go's runtime/cgo (the mmap hook, thread start) is left entirely alone.
; RUN: %opt_ffisan -S %s | FileCheck %s

source_filename = "/usr/local/go/src/runtime/cgo/gcc_mmap.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

; CHECK-NOT: ffisan
; CHECK-LABEL: define i32 @helper(
; CHECK-NEXT: load i32
; CHECK-NEXT: ret i32
; CHECK-NOT: ffisan
define i32 @helper(ptr %p) {
  %v = load i32, ptr %p, align 4
  ret i32 %v
}
