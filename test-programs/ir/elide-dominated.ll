; Cross-block duplicate elision: a check of the same pointer and size in a dominating block covers
; a later access when no call that may free lies on any path between them.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @opaque()
declare i64 @strlen(ptr)

; Both branches read *p again after the entry block checked it: one check in all.
; CHECK-LABEL: define i32 @diamond(
; CHECK:      call preserve_mostcc void @__ffisan_slow_access(i64 %{{[0-9]+}}, i64 4, i32 0)
; CHECK:      %v = load i32, ptr %p
; CHECK-NOT:  __ffisan_slow_access
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
; CHECK:      call preserve_mostcc void @__ffisan_slow_access(i64 %{{[0-9]+}}, i64 4, i32 0)
; CHECK:      %v = load i32, ptr %p
; CHECK:      left:
; CHECK-NEXT: call void @opaque()
; CHECK-NEXT: br label %join
; CHECK:      right:
; CHECK-NEXT: %r = load i32, ptr %p
; CHECK:      join:
; CHECK:      call preserve_mostcc void @__ffisan_slow_access(i64 %{{[0-9]+}}, i64 4, i32 0)
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
; CHECK:      call preserve_mostcc void @__ffisan_slow_access(i64 %{{[0-9]+}}, i64 4, i32 0)
; CHECK:      %v = load i32, ptr %p
; CHECK:      body:
; CHECK:      call preserve_mostcc void @__ffisan_slow_access(i64 %{{[0-9]+}}, i64 4, i32 0)
; CHECK:      %b = load i32, ptr %p
; CHECK-NEXT: call void @opaque()
; CHECK:      done:
; CHECK:      call preserve_mostcc void @__ffisan_slow_access(i64 %{{[0-9]+}}, i64 4, i32 1)
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
; CHECK:      call preserve_mostcc void @__ffisan_slow_access(i64 %{{[0-9]+}}, i64 4, i32 0)
; CHECK:      %v = load i32, ptr %p
; CHECK-NOT:  __ffisan_slow_access
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
