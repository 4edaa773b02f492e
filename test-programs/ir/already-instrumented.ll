; A module that already carries !ffisan.instrumented (instrumented by an earlier run) is untouched.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

; CHECK-NOT: __ffisan
; CHECK-LABEL: define i32 @load(
; CHECK-NEXT: %v = load i32, ptr %p, align 4
; CHECK-NEXT: ret i32 %v
; CHECK-NOT: __ffisan
; CHECK-NOT: global_ctors
define i32 @load(ptr %p) {
  %v = load i32, ptr %p, align 4
  ret i32 %v
}

!ffisan.instrumented = !{!0}
!0 = !{!"ffisan"}
