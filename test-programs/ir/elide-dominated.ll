; Covered checks across blocks: a check of the same bytes or more through the same base pointer on
; every path to an access covers it when no call that may free (nor a fence or an acquiring
; atomic) lies on any path between them, and the base was not defined again on the way.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @opaque()
declare i64 @strlen(ptr)

; Both branches read *p again after the entry block checked it: one check in all.
; CHECK-LABEL: define i32 @diamond(
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %v = load i32, ptr %p
; CHECK-NOT:  __ffisan_slow_
; CHECK:      ret i32
define i32 @diamond(ptr %p, i1 %c, ptr %s) {
entry:
  %v = load i32, ptr %p, align 4
  br i1 %c, label %left, label %right
left:
  %n = call i64 @strlen(ptr %s)
  %l = load i32, ptr %p, align 4
  br label %join
right:
  %r = load i32, ptr %p, align 4
  br label %join
join:
  %x = phi i32 [ %l, %left ], [ %r, %right ]
  %y = load i32, ptr %p, align 4
  %z = add i32 %x, %y
  ret i32 %z
}

; A call that may free on one path to the join: the join's access keeps its check, the other
; branch's does not need one.
; CHECK-LABEL: define i32 @free_on_one_path(
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %v = load i32, ptr %p
; CHECK:      left:
; CHECK-NEXT: call void @opaque()
; CHECK-NEXT: br label %join
; CHECK:      right:
; CHECK-NEXT: %r = load i32, ptr %p
; CHECK:      join:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %y = load i32, ptr %p
define i32 @free_on_one_path(ptr %p, i1 %c) {
entry:
  %v = load i32, ptr %p, align 4
  br i1 %c, label %left, label %right
left:
  call void @opaque()
  br label %join
right:
  %r = load i32, ptr %p, align 4
  br label %join
join:
  %y = load i32, ptr %p, align 4
  ret i32 %y
}

; A loop whose body calls something that may free, after the access: the body's access is on a
; cycle through that call, so it keeps its check. A load check does not cover a later store.
; CHECK-LABEL: define void @loop_with_call(
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %v = load i32, ptr %p
; CHECK:      body:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %b = load i32, ptr %p
; CHECK-NEXT: call void @opaque()
; CHECK:      done:
; CHECK:      call preserve_mostcc void @__ffisan_slow_store4(i64 %{{[0-9]+}})
; CHECK:      store i32 %v, ptr %p
define void @loop_with_call(ptr %p, i64 %n) {
entry:
  %v = load i32, ptr %p, align 4
  br label %head
head:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %c = icmp ult i64 %i, %n
  br i1 %c, label %body, label %done
body:
  %b = load i32, ptr %p, align 4
  call void @opaque()
  %i1 = add i64 %i, 1
  br label %head
done:
  store i32 %v, ptr %p, align 4
  ret void
}

; The same loop without the call: the body's load is covered by the entry's check.
; CHECK-LABEL: define i32 @loop_without_call(
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %v = load i32, ptr %p
; CHECK-NOT:  __ffisan_slow_
; CHECK:      ret i32
define i32 @loop_without_call(ptr %p, i64 %n) {
entry:
  %v = load i32, ptr %p, align 4
  br label %head
head:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %acc = phi i32 [ %v, %entry ], [ %sum, %body ]
  %c = icmp ult i64 %i, %n
  br i1 %c, label %body, label %done
body:
  %b = load i32, ptr %p, align 4
  %sum = add i32 %acc, %b
  %i1 = add i64 %i, 1
  br label %head
done:
  ret i32 %acc
}

; Different fields of one base: the entry's 8-byte check of p[0..8) covers p->b (offset 4) in
; both branches, not p->c (offset 8).
; CHECK-LABEL: define i32 @fields(
; CHECK:      call preserve_mostcc void @__ffisan_slow_load8(i64 %{{[0-9]+}})
; CHECK:      %v = load i64, ptr %p
; CHECK:      then:
; CHECK-NEXT: %pb = getelementptr i8, ptr %p, i64 4
; CHECK-NEXT: %b = load i32, ptr %pb
; CHECK:      else:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %c = load i32, ptr %pc
define i32 @fields(ptr %p, i1 %k) {
entry:
  %v = load i64, ptr %p, align 8
  br i1 %k, label %then, label %else
then:
  %pb = getelementptr i8, ptr %p, i64 4
  %b = load i32, ptr %pb, align 4
  ret i32 %b
else:
  %pc = getelementptr i8, ptr %p, i64 8
  %c = load i32, ptr %pc, align 4
  ret i32 %c
}

; Checked on one path only: the join keeps its check.
; CHECK-LABEL: define i32 @one_path(
; CHECK:      then:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %a = load i32, ptr %p
; CHECK:      join:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %b = load i32, ptr %p
define i32 @one_path(ptr %p, i1 %k) {
entry:
  br i1 %k, label %then, label %join
then:
  %a = load i32, ptr %p, align 4
  br label %join
join:
  %b = load i32, ptr %p, align 4
  ret i32 %b
}

; Checked on both paths, in different blocks neither of which dominates the join: covered.
; CHECK-LABEL: define i32 @both_paths(
; CHECK:      join:
; CHECK-NEXT: %c = load i32, ptr %p
define i32 @both_paths(ptr %p, i1 %k) {
entry:
  br i1 %k, label %then, label %else
then:
  %a = load i32, ptr %p, align 4
  br label %join
else:
  %b = load i32, ptr %p, align 4
  br label %join
join:
  %c = load i32, ptr %p, align 4
  ret i32 %c
}

; A list walk: %node is a new pointer on every iteration (its phi runs again), so the check of
; the previous node's fields says nothing about this one's.
; CHECK-LABEL: define i32 @list_walk(
; CHECK:      body:
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK:      %val = load i32, ptr %pv
; CHECK:      next:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load8(i64 %{{[0-9]+}})
; CHECK:      %n = load ptr, ptr %node
define i32 @list_walk(ptr %head) {
entry:
  br label %body
body:
  %node = phi ptr [ %head, %entry ], [ %n, %next ]
  %acc = phi i32 [ 0, %entry ], [ %sum, %next ]
  %pv = getelementptr i8, ptr %node, i64 8
  %val = load i32, ptr %pv, align 4
  %sum = add i32 %acc, %val
  br label %next
next:
  %n = load ptr, ptr %node, align 8
  %end = icmp eq ptr %n, null
  br i1 %end, label %done, label %body
done:
  ret i32 %sum
}

; A fence or an acquiring atomic may order this thread after another thread's free: what was
; checked before needs checking again after. A relaxed atomic does not.
; CHECK-LABEL: define i32 @synchronization(
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %a = load i32, ptr %p
; CHECK:      after_fence:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %b = load i32, ptr %p
; CHECK:      after_acquire:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %c = load i32, ptr %p
; CHECK:      after_relaxed:
; CHECK-NEXT: %d = load i32, ptr %p
define i32 @synchronization(ptr %p, ptr %flag) {
entry:
  %a = load i32, ptr %p, align 4
  fence acquire
  br label %after_fence
after_fence:
  %b = load i32, ptr %p, align 4
  %f = load atomic i32, ptr %flag acquire, align 4
  br label %after_acquire
after_acquire:
  %c = load i32, ptr %p, align 4
  %g = load atomic i32, ptr %flag monotonic, align 4
  br label %after_relaxed
after_relaxed:
  %d = load i32, ptr %p, align 4
  %s = add i32 %a, %d
  ret i32 %s
}
