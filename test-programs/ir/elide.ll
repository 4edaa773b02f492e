; Static elision: the function's own allocas, global variables inside their bounds (loads only for
; constants), and a pointer already checked in the same block with no call in between are not
; checked again.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@counter = global i32 0
@table = constant [4 x i32] [i32 1, i32 2, i32 3, i32 4]
@external = external global [16 x i8]

declare void @opaque()
declare i64 @strlen(ptr)

; An array the function indexes with a variable moves to the fake frame with redzones around it
; (stack_redzones.rs): that index is checked (the load after the store is covered by its check);
; a scalar reached directly stays on the real stack, unchecked.
; CHECK-LABEL: define i32 @own_allocas(
; CHECK:      call i64 @__ffisan_fake_frame_enter_1(
; CHECK:      %elem = getelementptr inbounds [8 x i32], ptr %{{[0-9]+}}, i64 0, i64 %i
; CHECK:      call preserve_mostcc void @__ffisan_slow_store4(
; CHECK:      store i32 1, ptr %elem
; CHECK-NEXT: store i32 2, ptr %b
; CHECK-NEXT: %v = load i32, ptr %elem
; CHECK:      ret i32
define i32 @own_allocas(i64 %i) {
  %a = alloca [8 x i32], align 4
  %b = alloca i32, align 4
  %elem = getelementptr inbounds [8 x i32], ptr %a, i64 0, i64 %i
  store i32 1, ptr %elem, align 4
  store i32 2, ptr %b, align 4
  %v = load i32, ptr %elem, align 4
  ret i32 %v
}

; Elision is decided on the allocas before they move to the fake frame (the select/phi below make
; them escape): the function's own accesses to its live frame stay unchecked.
; CHECK-LABEL: define i32 @own_allocas_through_select(
; CHECK:      call i64 @__ffisan_fake_frame_enter_
; CHECK-NOT:  __ffisan_slow_
; CHECK:      call void @llvm.memset.p0.i64(
; CHECK:      ret i32
define i32 @own_allocas_through_select(i1 %c) {
  %a = alloca i32, align 4
  %b = alloca i32, align 4
  store i32 1, ptr %a, align 4
  store i32 2, ptr %b, align 4
  %either = select i1 %c, ptr %a, ptr %b
  %v = load i32, ptr %either, align 4
  ret i32 %v
}

; A phi of two own allocas agrees, but they escape through it into the fake frame, where they have
; redzones: the phi is not provably inside one, so it is checked, like a phi mixing an alloca and
; an argument.
; CHECK-LABEL: define i32 @phis(
; CHECK:      join:
; CHECK-NEXT: %same = phi ptr [ %[[X:[0-9]+]], %left ], [ %[[Y:[0-9]+]], %right ]
; CHECK-NEXT: %mixed = phi ptr [ %[[X]], %left ], [ %p, %right ]
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_load4(
; CHECK:      %v = load i32, ptr %same
; CHECK-NEXT: load i32, ptr %mixed
define i32 @phis(i1 %c, ptr %p) {
entry:
  %x = alloca i32, align 4
  %y = alloca i32, align 4
  br i1 %c, label %left, label %right
left:
  br label %join
right:
  br label %join
join:
  %same = phi ptr [ %x, %left ], [ %y, %right ]
  %mixed = phi ptr [ %x, %left ], [ %p, %right ]
  %v = load i32, ptr %same, align 4
  %w = load i32, ptr %mixed, align 4
  %s = add i32 %v, %w
  ret i32 %s
}

; Globals get a redzone (globals.rs): an access at a constant offset inside the object is elided
; (a constant's loads only: a store to it stays checked, write-to-readonly); one at a variable
; index may reach the redzone, defined here or external, and is checked, as under ASan.
; CHECK-LABEL: define i32 @globals(
; CHECK-NEXT: store i32 1, ptr @counter
; CHECK-NEXT: %g = load i32, ptr @counter
; CHECK-NEXT: %e3 = getelementptr inbounds [16 x i8], ptr @external, i64 0, i64 3
; CHECK-NEXT: store i8 0, ptr %e3
; CHECK-NEXT: %t1 = getelementptr inbounds [4 x i32], ptr @table, i64 0, i64 1
; CHECK-NEXT: %t1v = load i32, ptr %t1
; CHECK-NEXT: %e = getelementptr inbounds [16 x i8], ptr @external, i64 0, i64 %i
; CHECK-NEXT: ptrtoint ptr %e to i64
; CHECK:      call preserve_mostcc void @__ffisan_slow_store1(
; CHECK:      store i8 0, ptr %e
; CHECK:      %t = getelementptr inbounds [4 x i32], ptr @table, i64 0, i64 %i
; CHECK-NEXT: ptrtoint ptr %t to i64
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_store4(
; CHECK:      %tv = load i32, ptr %t
define i32 @globals(i64 %i) {
  store i32 1, ptr @counter, align 4
  %g = load i32, ptr @counter, align 4
  %e3 = getelementptr inbounds [16 x i8], ptr @external, i64 0, i64 3
  store i8 0, ptr %e3, align 1
  %t1 = getelementptr inbounds [4 x i32], ptr @table, i64 0, i64 1
  %t1v = load i32, ptr %t1, align 4
  %e = getelementptr inbounds [16 x i8], ptr @external, i64 0, i64 %i
  store i8 0, ptr %e, align 1
  %t = getelementptr inbounds [4 x i32], ptr @table, i64 0, i64 %i
  %tv = load i32, ptr %t, align 4
  store i32 9, ptr %t, align 4
  %s = add i32 %g, %tv
  %s1 = add i32 %s, %t1v
  ret i32 %s1
}

; Without inbounds, a GEP may leave its object: checked.
; CHECK-LABEL: define i8 @not_inbounds(
; CHECK:      call preserve_mostcc void @__ffisan_slow_
define i8 @not_inbounds(i64 %i) {
  %a = alloca [4 x i8], align 1
  %p = getelementptr [4 x i8], ptr %a, i64 0, i64 %i
  %v = load i8, ptr %p, align 1
  ret i8 %v
}

; Same pointer and size in one block: the second load is covered by the first; a store after a load
; needs its own (stricter) check, here grouped with the first load's (group-checks.ll): one shadow
; byte under the store mask at the first load, then each one's own check in the cold path; a load
; after that store is covered; a call that may free resets.
; CHECK-LABEL: define i32 @duplicates(
; CHECK:      %[[G:[0-9]+]] = load i8, ptr %{{[0-9]+}}, align 1
; CHECK-NEXT: icmp ne i8 %[[G]], 0
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      call preserve_mostcc void @__ffisan_slow_store4(i64 %{{[0-9]+}})
; CHECK:      %first = load i32, ptr %p
; CHECK-NEXT: %second = load i32, ptr %p
; CHECK-NEXT: store i32 %second, ptr %p
; CHECK-NEXT: %third = load i32, ptr %p
; CHECK-NEXT: call void @__ffisan_libc_strlen(
; CHECK-NEXT: %n = call i64 @strlen(
; CHECK-NEXT: %fourth = load i32, ptr %p
; CHECK-NEXT: call void @opaque()
; CHECK-NEXT: ptrtoint ptr %p
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %fifth = load i32, ptr %p
define i32 @duplicates(ptr %p, ptr %s) {
  %first = load i32, ptr %p, align 4
  %second = load i32, ptr %p, align 4
  store i32 %second, ptr %p, align 4
  %third = load i32, ptr %p, align 4
  %n = call i64 @strlen(ptr %s)
  %fourth = load i32, ptr %p, align 4
  call void @opaque()
  %fifth = load i32, ptr %p, align 4
  ret i32 %fifth
}

; A check covers the bytes it proved: a narrower access inside them needs none, a wider one or
; one that reaches past them keeps its own. (One block each, so that no group test joins them.)
; CHECK-LABEL: define i8 @covered_bytes(
; CHECK:      call preserve_mostcc void @__ffisan_slow_load1(i64 %{{[0-9]+}})
; CHECK:      %a = load i8, ptr %p
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %b = load i32, ptr %p
; CHECK:      inside:
; CHECK-NEXT: %p3 = getelementptr i8, ptr %p, i64 3
; CHECK-NEXT: %c = load i8, ptr %p3
; CHECK-NEXT: %p2 = getelementptr i8, ptr %p, i64 2
; CHECK-NEXT: %d = load i16, ptr %p2
; CHECK:      past:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load2(i64 %{{[0-9]+}})
; CHECK:      %e = load i16, ptr %p3
define i8 @covered_bytes(ptr %p) {
  %a = load i8, ptr %p, align 1
  br label %wider
wider:
  %b = load i32, ptr %p, align 4
  br label %inside
inside:
  %p3 = getelementptr i8, ptr %p, i64 3
  %c = load i8, ptr %p3, align 1
  %p2 = getelementptr i8, ptr %p, i64 2
  %d = load i16, ptr %p2, align 2
  br label %past
past:
  %e = load i16, ptr %p3, align 1
  ret i8 %c
}
