; A call LLVM proved `nofree` and `nosync` cannot free memory, nor let another thread free it
; without a data race: a check before it still holds after it, in the same block and across blocks.
; `nofree` alone (the callee may synchronise with a thread that frees), `free` and an unknown
; function all keep the second check.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare i32 @pure_helper(i32) nofree nosync nounwind willreturn memory(none)
declare void @may_synchronise() nofree nounwind
declare void @free(ptr)
declare void @opaque()

; CHECK-LABEL: define i32 @across_nofree_nosync(
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK-NOT:  call preserve_mostcc void @__ffisan_slow_
; CHECK:      ret i32
define i32 @across_nofree_nosync(ptr %p, i1 %c) {
entry:
  %a = load i32, ptr %p, align 4
  %h = call i32 @pure_helper(i32 %a)
  %b = load i32, ptr %p, align 4
  br i1 %c, label %then, label %done
then:
  %h2 = call i32 @pure_helper(i32 %b)
  %d = load i32, ptr %p, align 4
  br label %done
done:
  %r = phi i32 [ %b, %entry ], [ %d, %then ]
  ret i32 %r
}

; The attributes on the call site count as well (here the declaration has none).
; CHECK-LABEL: define i32 @call_site_attributes(
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK-NOT:  call preserve_mostcc void @__ffisan_slow_
; CHECK:      ret i32
define i32 @call_site_attributes(ptr %p) {
  %a = load i32, ptr %p, align 4
  call void @opaque() nofree nosync
  %b = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  ret i32 %s
}

; CHECK-LABEL: define i32 @across_nofree_only(
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK:      call void @may_synchronise()
; CHECK:      call preserve_mostcc void @__ffisan_slow_
define i32 @across_nofree_only(ptr %p) {
  %a = load i32, ptr %p, align 4
  call void @may_synchronise()
  %b = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  ret i32 %s
}

; CHECK-LABEL: define i32 @across_free(
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK:      call void @free(
; CHECK:      call preserve_mostcc void @__ffisan_slow_
define i32 @across_free(ptr %p, ptr %q) {
  %a = load i32, ptr %p, align 4
  call void @free(ptr %q)
  %b = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  ret i32 %s
}

; CHECK-LABEL: define i32 @across_unknown(
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK:      call void @opaque()
; CHECK:      call preserve_mostcc void @__ffisan_slow_
define i32 @across_unknown(ptr %p) {
  %a = load i32, ptr %p, align 4
  call void @opaque()
  %b = load i32, ptr %p, align 4
  %s = add i32 %a, %b
  ret i32 %s
}
