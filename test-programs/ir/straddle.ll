; An access aligned to less than its size may cross a granule: the last byte's shadow is ORed in.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

; CHECK-LABEL: define i32 @unaligned_load(
; CHECK:      %[[A:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK-NEXT: %[[SH:[0-9]+]] = lshr i64 %[[A]], 3
; CHECK-NEXT: %[[SA:[0-9]+]] = add i64 %[[SH]], 2147450880
; CHECK-NEXT: %[[SP:[0-9]+]] = inttoptr i64 %[[SA]] to ptr
; CHECK-NEXT: %[[FIRST:[0-9]+]] = load i8, ptr %[[SP]], align 1
; CHECK-NEXT: %[[LASTA:[0-9]+]] = add i64 %[[A]], 3
; CHECK-NEXT: %[[LSH:[0-9]+]] = lshr i64 %[[LASTA]], 3
; CHECK-NEXT: %[[LSA:[0-9]+]] = add i64 %[[LSH]], 2147450880
; CHECK-NEXT: %[[LSP:[0-9]+]] = inttoptr i64 %[[LSA]] to ptr
; CHECK-NEXT: %[[LAST:[0-9]+]] = load i8, ptr %[[LSP]], align 1
; CHECK-NEXT: %[[BOTH:[0-9]+]] = or i8 %[[FIRST]], %[[LAST]]
; CHECK-NEXT: %[[M:[0-9]+]] = and i8 %[[BOTH]], -65
; CHECK-NEXT: %[[BAD:[0-9]+]] = icmp ne i8 %[[M]], 0
; CHECK-NEXT: br i1 %[[BAD]]
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %[[A]])
; CHECK:      load i32, ptr %p, align 1
define i32 @unaligned_load(ptr %p) {
  %v = load i32, ptr %p, align 1
  ret i32 %v
}

; CHECK-LABEL: define void @half_aligned_store(
; CHECK:      add i64 %{{[0-9]+}}, 7
; CHECK:      or i8
; CHECK-NEXT: icmp ne i8
; CHECK:      call preserve_mostcc void @__ffisan_slow_store8(i64 %{{[0-9]+}})
define void @half_aligned_store(ptr %p) {
  store i64 0, ptr %p, align 4
  ret void
}

; Naturally aligned: one granule, one shadow load.
; CHECK-LABEL: define i32 @aligned_load(
; CHECK:      load i8, ptr
; CHECK-NOT:  add i64
; CHECK:      and i8
define i32 @aligned_load(ptr %p) {
  %v = load i32, ptr %p, align 4
  ret i32 %v
}
