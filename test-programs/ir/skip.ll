; What must stay untouched: nosanitize instructions, the runtime's own functions, functions with
; disable_sanitizer_instrumentation, naked functions, declarations.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

; CHECK-LABEL: define i32 @nosanitize_access(
; CHECK-NEXT: %v = load i32, ptr %p, align 4, !nosanitize
; CHECK-NEXT: ret i32 %v
define i32 @nosanitize_access(ptr %p) {
  %v = load i32, ptr %p, align 4, !nosanitize !0
  ret i32 %v
}

; CHECK-LABEL: define i32 @__ffisan_helper(
; CHECK-NEXT: load i32
; CHECK-NEXT: ret
define i32 @__ffisan_helper(ptr %p) {
  %v = load i32, ptr %p, align 4
  ret i32 %v
}

; CHECK-LABEL: define void @ffisan_register_managed_region(
; CHECK-NEXT: store i8
; CHECK-NEXT: ret
define void @ffisan_register_managed_region(ptr %p) {
  store i8 0, ptr %p, align 1
  ret void
}

; CHECK-LABEL: define i32 @opted_out(
; CHECK-NEXT: load i32
; CHECK-NEXT: ret
define i32 @opted_out(ptr %p) disable_sanitizer_instrumentation {
  %v = load i32, ptr %p, align 4
  ret i32 %v
}

; CHECK-LABEL: define void @naked(
; CHECK-NEXT: call void asm
; CHECK-NEXT: unreachable
define void @naked() naked {
  call void asm sideeffect "ret", ""()
  unreachable
}

; The one instrumented function, to show the module was processed.
; CHECK-LABEL: define i32 @ordinary(
; CHECK:      call preserve_mostcc void @__ffisan_slow_
define i32 @ordinary(ptr %p) {
  %v = load i32, ptr %p, align 4
  ret i32 %v
}

!0 = !{}
