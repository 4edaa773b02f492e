; Loop checks: a load or store that runs once in every iteration of a call-free loop, at an address
; that advances by a constant stride, is checked once in the loop's preheader by
; __ffisan_check_loop(first, count, stride, size, flags); loops that may free memory or leave early
; keep their per-access checks.
; RUN: %opt_ffisan -S %s | FileCheck %s
; RUN: rm -f %t.stats && env FFISAN_STATS=%t.stats %opt_ffisan -disable-output %s && FileCheck --check-prefix=STATS %s < %t.stats

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @free(ptr)
declare void @opaque()
declare i32 @llvm.umax.i32(i32, i32)

; for (i = 0; i < n; i++) s += p[i]: the guard branches straight to the header, so the loop gets a
; preheader of its own and the check runs only when the loop does; n bytes from p, stride 1.
; CHECK-LABEL: define i32 @sum_bytes(
; CHECK:      entry:
; CHECK-NEXT: %empty = icmp sle i64 %n, 0
; CHECK-NEXT: br i1 %empty, label %exit, label %[[PRE:.+]]
; The span is tested inline first (8 shadow bytes from the start, and the last granule's), the call
; is made only when that test fails.
; CHECK:      [[PRE]]:
; CHECK-NEXT: %[[FIRST:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK:      load i64, ptr %{{[0-9]+}}, align 1
; CHECK:      load i8, ptr %{{[0-9]+}}, align 1
; CHECK:      br i1 %{{[0-9]+}}, label %[[CALL:[0-9]+]], label %[[CONT:[0-9]+]], !prof
; CHECK:      [[CALL]]:
; CHECK-NEXT: %[[FIRST2:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK-NEXT: call preserve_mostcc void @__ffisan_check_loop(i64 %[[FIRST2]], i64 %n, i64 1, i64 1, i32 0), !dbg ![[LOC:[0-9]+]]
; CHECK-NEXT: br label %[[CONT]]
; CHECK:      [[CONT]]:
; CHECK-NEXT: br label %loop
; CHECK:      loop:
; CHECK-NOT:  __ffisan
; CHECK:      ret i32
define i32 @sum_bytes(ptr %p, i64 %n) !dbg !5 {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %exit, label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %s = phi i32 [ 0, %entry ], [ %s.next, %loop ]
  %a = getelementptr inbounds i8, ptr %p, i64 %i
  %b = load i8, ptr %a, align 1, !dbg !8
  %z = zext i8 %b to i32
  %m = call i32 @llvm.umax.i32(i32 %z, i32 1)
  %s.next = add i32 %s, %m
  %i.next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  %r = phi i32 [ 0, %entry ], [ %s.next, %loop ]
  ret i32 %r
}

; Stores too (flags 1), down from the top: p[n-1], p[n-2], ..., p[0] as i32, stride -4.
; CHECK-LABEL: define void @fill_down(
; CHECK:      %[[LAST:.+]] = getelementptr i8, ptr %p, i64
; CHECK:      %[[FIRST:[0-9]+]] = ptrtoint ptr %[[LAST]] to i64
; CHECK:      call preserve_mostcc void @__ffisan_check_loop(i64 %{{[0-9]+}}, i64 %n, i64 -4, i64 4, i32 1)
; CHECK:      loop:
; CHECK-NOT:  __ffisan
; CHECK:      ret void
define void @fill_down(ptr %p, i64 %n) {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %exit, label %pre
pre:
  br label %loop
loop:
  %i = phi i64 [ %n, %pre ], [ %i.next, %loop ]
  %i.next = add nsw i64 %i, -1
  %a = getelementptr inbounds i32, ptr %p, i64 %i.next
  store i32 0, ptr %a, align 4
  %done = icmp eq i64 %i.next, 0
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; Unrolled twice: p[i] and p[i+1], each with stride 2, walk one progression; one check of 2 * (n/2)
; bytes with stride 1 replaces both.
; CHECK-LABEL: define i32 @unrolled(
; CHECK:      %[[COUNT:[0-9]+]] = shl i64 %pairs, 1
; CHECK:      call preserve_mostcc void @__ffisan_check_loop(i64 %{{[0-9]+}}, i64 %[[COUNT]], i64 1, i64 1, i32 0)
; CHECK:      loop:
; CHECK-NOT:  __ffisan
; CHECK:      ret i32
define i32 @unrolled(ptr %p, i64 %pairs) {
entry:
  %empty = icmp sle i64 %pairs, 0
  br i1 %empty, label %exit, label %pre
pre:
  br label %loop
loop:
  %k = phi i64 [ 0, %pre ], [ %k.next, %loop ]
  %s = phi i32 [ 0, %pre ], [ %s.next, %loop ]
  %i = shl nuw nsw i64 %k, 1
  %a0 = getelementptr inbounds i8, ptr %p, i64 %i
  %b0 = load i8, ptr %a0, align 1
  %a1 = getelementptr inbounds i8, ptr %a0, i64 1
  %b1 = load i8, ptr %a1, align 1
  %z0 = zext i8 %b0 to i32
  %z1 = zext i8 %b1 to i32
  %t = add i32 %s, %z0
  %s.next = add i32 %t, %z1
  %k.next = add nuw nsw i64 %k, 1
  %done = icmp eq i64 %k.next, %pairs
  br i1 %done, label %exit, label %loop
exit:
  %r = phi i32 [ 0, %entry ], [ %s.next, %loop ]
  ret i32 %r
}

; A value and its tag read from each 16-byte element: two checks of one loop with the same count
; and stride, 8 bytes apart, share one inline test of their union; each keeps its own call behind it.
; CHECK-LABEL: define i64 @value_and_tag(
; CHECK:      icmp ult i64 %{{[0-9]+}}, 57
; CHECK-NOT:  icmp ult i64 %{{[0-9]+}}, 57
; CHECK:      call preserve_mostcc void @__ffisan_check_loop(i64 %{{[0-9]+}}, i64 %n, i64 16, i64 8, i32 0)
; CHECK-NEXT: ptrtoint
; CHECK-NEXT: call preserve_mostcc void @__ffisan_check_loop(i64 %{{[0-9]+}}, i64 %n, i64 16, i64 1, i32 0)
; CHECK:      loop:
; CHECK-NOT:  __ffisan
; CHECK:      ret i64
define i64 @value_and_tag(ptr %p, i64 %n) {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %exit, label %pre
pre:
  br label %loop
loop:
  %i = phi i64 [ 0, %pre ], [ %i.next, %loop ]
  %s = phi i64 [ 0, %pre ], [ %s.next, %loop ]
  %v.addr = getelementptr inbounds [2 x i64], ptr %p, i64 %i, i64 0
  %v = load i64, ptr %v.addr, align 8
  %t.addr = getelementptr inbounds [2 x i64], ptr %p, i64 %i, i64 1
  %t = load i8, ptr %t.addr, align 8
  %tz = zext i8 %t to i64
  %x = add i64 %s, %v
  %s.next = add i64 %x, %tz
  %i.next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  %r = phi i64 [ 0, %entry ], [ %s.next, %loop ]
  ret i64 %r
}

; A call in the loop could free p (or anything): every access keeps its own check.
; CHECK-LABEL: define i32 @with_call(
; CHECK-NOT:  __ffisan_check_loop
; CHECK:      loop:
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK:      load i8, ptr %a
; CHECK:      call void @opaque()
; CHECK-NOT:  __ffisan_check_loop
; CHECK:      ret i32
define i32 @with_call(ptr %p, i64 %n) {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %exit, label %pre
pre:
  br label %loop
loop:
  %i = phi i64 [ 0, %pre ], [ %i.next, %loop ]
  %s = phi i32 [ 0, %pre ], [ %s.next, %loop ]
  %a = getelementptr inbounds i8, ptr %p, i64 %i
  %b = load i8, ptr %a, align 1
  call void @opaque()
  %z = zext i8 %b to i32
  %s.next = add i32 %s, %z
  %i.next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  %r = phi i32 [ 0, %entry ], [ %s.next, %loop ]
  ret i32 %r
}

; free() in an inner loop counts too: the outer loop's accesses keep their checks (the inner
; loop's own store is not an add-recurrence of it either).
; CHECK-LABEL: define void @free_in_inner_loop(
; CHECK-NOT:  __ffisan_check_loop
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK:      store i8 1, ptr %a
; CHECK-NOT:  __ffisan_check_loop
; CHECK:      ret void
define void @free_in_inner_loop(ptr %p, ptr %q, i64 %n) {
entry:
  br label %outer
outer:
  %i = phi i64 [ 0, %entry ], [ %i.next, %outer.latch ]
  %a = getelementptr inbounds i8, ptr %p, i64 %i
  store i8 1, ptr %a, align 1
  br label %inner
inner:
  %j = phi i64 [ 0, %outer ], [ %j.next, %inner ]
  call void @free(ptr %q)
  %j.next = add nuw nsw i64 %j, 1
  %inner.done = icmp eq i64 %j.next, 2
  br i1 %inner.done, label %outer.latch, label %inner
outer.latch:
  %i.next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %outer
exit:
  ret void
}

; An early exit (return from inside the loop): later iterations may never run, so p[i] keeps its
; per-access check.
; CHECK-LABEL: define i64 @find(
; CHECK-NOT:  __ffisan_check_loop
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK:      %c = load i8, ptr %a
; CHECK-NOT:  __ffisan_check_loop
; CHECK:      ret i64
define i64 @find(ptr %p, i64 %n) {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %notfound, label %pre
pre:
  br label %loop
loop:
  %i = phi i64 [ 0, %pre ], [ %i.next, %latch ]
  %a = getelementptr inbounds i8, ptr %p, i64 %i
  %c = load i8, ptr %a, align 1
  %hit = icmp eq i8 %c, 120
  br i1 %hit, label %found, label %latch
latch:
  %i.next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %notfound, label %loop
found:
  ret i64 %i
notfound:
  ret i64 -1
}

; An access on one side of a branch does not run in every iteration: it keeps its check; the
; unconditional load of the same loop is hoisted.
; CHECK-LABEL: define void @conditional_store(
; CHECK:      call preserve_mostcc void @__ffisan_check_loop(i64 %{{[0-9]+}}, i64 %n, i64 1, i64 1, i32 0)
; CHECK:      loop:
; CHECK-NOT:  __ffisan_check_loop
; CHECK:      %c = load i8, ptr %a
; CHECK:      call preserve_mostcc void @__ffisan_slow_store1(i64 %{{[0-9]+}})
; CHECK:      store i8 0, ptr %d
; CHECK:      ret void
define void @conditional_store(ptr %p, ptr %q, i64 %n) {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %exit, label %pre
pre:
  br label %loop
loop:
  %i = phi i64 [ 0, %pre ], [ %i.next, %latch ]
  %a = getelementptr inbounds i8, ptr %p, i64 %i
  %c = load i8, ptr %a, align 1
  %space = icmp eq i8 %c, 32
  br i1 %space, label %clear, label %latch
clear:
  %d = getelementptr inbounds i8, ptr %q, i64 %i
  store i8 0, ptr %d, align 1
  br label %latch
latch:
  %i.next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; An unknown trip count (a NUL-terminated walk) cannot be hoisted.
; CHECK-LABEL: define i64 @length(
; CHECK-NOT:  __ffisan_check_loop
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK:      ret i64
define i64 @length(ptr %s) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %a = getelementptr inbounds i8, ptr %s, i64 %i
  %c = load i8, ptr %a, align 1
  %i.next = add nuw nsw i64 %i, 1
  %end = icmp eq i8 %c, 0
  br i1 %end, label %exit, label %loop
exit:
  ret i64 %i
}

; An address the loop does not move (a total that a store through p may alias, so LICM kept it in
; the loop) is checked once too: stride 0, for the load and for the store.
; CHECK-LABEL: define void @count_into(
; CHECK:      call preserve_mostcc void @__ffisan_check_loop(i64 %{{[0-9]+}}, i64 %n, i64 1, i64 1, i32 0)
; CHECK:      call preserve_mostcc void @__ffisan_check_loop(i64 %{{[0-9]+}}, i64 %n, i64 0, i64 4, i32 0)
; CHECK:      call preserve_mostcc void @__ffisan_check_loop(i64 %{{[0-9]+}}, i64 %n, i64 0, i64 4, i32 1)
; CHECK:      loop:
; CHECK-NOT:  __ffisan
; CHECK:      ret void
define void @count_into(ptr %p, ptr %total, i64 %n) {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %exit, label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %a = getelementptr inbounds i8, ptr %p, i64 %i
  %b = load i8, ptr %a, align 1
  %z = zext i8 %b to i32
  %t = load i32, ptr %total, align 4
  %t.next = add i32 %t, %z
  store i32 %t.next, ptr %total, align 4
  %i.next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; STATS: "accesses":15,"checked":5,{{.*}}"hoisted_loop":10,

!llvm.module.flags = !{!0, !1}
!llvm.dbg.cu = !{!2}

!0 = !{i32 2, !"Debug Info Version", i32 3}
!1 = !{i32 7, !"Dwarf Version", i32 5}
!2 = distinct !DICompileUnit(language: DW_LANG_C11, file: !3, producer: "clang", isOptimized: true, runtimeVersion: 0, emissionKind: LineTablesOnly)
!3 = !DIFile(filename: "loop.c", directory: "/tmp")
!4 = !DISubroutineType(types: !{})
!5 = distinct !DISubprogram(name: "sum_bytes", scope: !3, file: !3, line: 3, type: !4, scopeLine: 3, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !2)
!8 = !DILocation(line: 5, column: 33, scope: !5)
; CHECK: ![[LOC]] = !DILocation(line: 5, column: 33,
