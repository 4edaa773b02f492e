; A scalar local passed only to parameters that do not capture it (`captures(none)`, on the callee
; or the call site) cannot outlive the call: it stays on the real stack, without a fake frame. An
; array passed so gets one all the same, for the redzones around it (the callee may overflow it,
; stack_redzones.rs). A plain parameter, a `returned` one or `captures(ret: ...)` lets it escape:
; it still gets a fake frame.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @fill(ptr captures(none))
declare void @keep(ptr)
declare ptr @pass_through(ptr returned captures(none))
declare ptr @return_it(ptr captures(ret: address, provenance))
declare i1 @is_null(ptr captures(address_is_null))

; CHECK-LABEL: define i32 @not_captured(
; CHECK-NOT:  __ffisan_fake_frame
; CHECK:      ret i32
define i32 @not_captured() {
  %a = alloca i32, align 4
  call void @fill(ptr %a)
  %v = load i32, ptr %a, align 4
  ret i32 %v
}

; CHECK-LABEL: define i32 @not_captured_at_call_site(
; CHECK:      call i64 @__ffisan_fake_frame_enter_1(
; CHECK:      ret i32
define i32 @not_captured_at_call_site() {
  %a = alloca [4 x i32], align 4
  %second = getelementptr inbounds [4 x i32], ptr %a, i64 0, i64 1
  call void @keep(ptr captures(none) %second)
  %v = load i32, ptr %a, align 4
  ret i32 %v
}

; Compared with null only: no usable pointer is kept.
; CHECK-LABEL: define i1 @null_test_only(
; CHECK-NOT:  __ffisan_fake_frame
; CHECK:      ret i1
define i1 @null_test_only() {
  %a = alloca i32, align 4
  %n = call i1 @is_null(ptr %a)
  ret i1 %n
}

; CHECK-LABEL: define i32 @plain_parameter(
; CHECK:      call i64 @__ffisan_fake_frame_enter_1(
; CHECK:      call void @fill(ptr
; CHECK:      call void @keep(ptr
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -11
define i32 @plain_parameter() {
  %a = alloca i32, align 4
  call void @fill(ptr %a)
  call void @keep(ptr %a)
  %v = load i32, ptr %a, align 4
  ret i32 %v
}

; CHECK-LABEL: define i32 @returned(
; CHECK:      call i64 @__ffisan_fake_frame_enter_
define i32 @returned() {
  %a = alloca i32, align 4
  %r = call ptr @pass_through(ptr %a)
  %v = load i32, ptr %r, align 4
  ret i32 %v
}

; CHECK-LABEL: define i32 @captured_by_return(
; CHECK:      call i64 @__ffisan_fake_frame_enter_
define i32 @captured_by_return() {
  %a = alloca i32, align 4
  %r = call ptr @return_it(ptr %a)
  %v = load i32, ptr %r, align 4
  ret i32 %v
}
