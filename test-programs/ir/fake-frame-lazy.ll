; A fake frame whose locals are used only on some paths is entered lazily: at the start of the
; block dominating every use (off any cycle), storing the frame into a slot that is 0 otherwise;
; each return leaves the frame only if one was entered. Uses on a loop, or on every path, keep
; the frame entered at the entry block.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare i1 @convert(double, ptr)
declare ptr @lookup_int(ptr, i64)

; CHECK-LABEL: define ptr @float_key(
; CHECK:      entry:
; CHECK-NEXT: %[[SLOT:[0-9]+]] = alloca i64, align 8
; CHECK-NEXT: store i64 0, ptr %[[SLOT]], align 8
; CHECK-NEXT: %k = alloca i64
; CHECK-NOT:  __ffisan_fake_frame_enter_
; CHECK:      float:
; CHECK:      %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_1(
; CHECK-NEXT: store i64 %[[F]], ptr %[[SLOT]], align 8
; CHECK:      %[[K:[0-9]+]] = select i1 %{{[0-9]+}}, ptr %{{[0-9]+}}, ptr %k
; CHECK-NEXT: %ok = call i1 @convert(double %d, ptr %[[K]])
; CHECK:      int:
; CHECK-NEXT: %kv = load i64, ptr %[[K]]
; CHECK:      %[[E:[0-9]+]] = load i64, ptr %[[SLOT]], align 8
; CHECK-NEXT: %[[ON:[0-9]+]] = icmp ne i64 %[[E]], 0
; CHECK-NEXT: br i1 %[[ON]], label %[[LEAVE:[0-9]+]], label %[[RET:[0-9]+]]
; CHECK:      [[LEAVE]]:
; CHECK-NEXT: lshr i64 %[[E]], 3
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -11, i64 15, i1 false)
; CHECK-NEXT: sub i64 %[[E]], 8
; CHECK:      [[RET]]:
; CHECK-NEXT: ret ptr %r
; CHECK:      other:
; CHECK-NEXT: %[[E2:[0-9]+]] = load i64, ptr %[[SLOT]], align 8
; CHECK:      lshr i64 %[[E2]], 3
; CHECK:      ret ptr null
define ptr @float_key(ptr %t, i1 %isfloat, double %d) {
entry:
  %k = alloca i64, align 8
  br i1 %isfloat, label %float, label %other
float:
  %ok = call i1 @convert(double %d, ptr %k)
  br i1 %ok, label %int, label %other
int:
  %kv = load i64, ptr %k, align 8
  %r = call ptr @lookup_int(ptr %t, i64 %kv)
  ret ptr %r
other:
  ret ptr null
}

; The only use is in a loop: entering there could run twice, so the frame is entered at the entry.
; CHECK-LABEL: define void @in_loop(
; CHECK:      entry:
; CHECK-NOT:  alloca i64, align 8, !nosanitize
; CHECK:      %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_1(
; CHECK:      br label %head
; CHECK:      done:
; CHECK-NEXT: icmp ne i64 %[[F]], 0
; CHECK:      lshr i64 %[[F]], 3
; CHECK:      ret void
define void @in_loop(i64 %n) {
entry:
  %k = alloca i64, align 8
  br label %head
head:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %c = icmp ult i64 %i, %n
  br i1 %c, label %body, label %done
body:
  %ok = call i1 @convert(double 1.0, ptr %k)
  %i1 = add i64 %i, 1
  br label %head
done:
  ret void
}

; Used on the path every call takes (the block after the branch joins): entered at the entry.
; CHECK-LABEL: define i64 @every_path(
; CHECK:      entry:
; CHECK:      %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_1(
; CHECK:      join:
; CHECK:      lshr i64 %[[F]], 3
; CHECK:      ret i64
define i64 @every_path(i1 %c) {
entry:
  %k = alloca i64, align 8
  br i1 %c, label %a, label %join
a:
  br label %join
join:
  %ok = call i1 @convert(double 2.0, ptr %k)
  %v = load i64, ptr %k, align 8
  ret i64 %v
}
