; An alloca in a branch whose address a phi merges with null after the branch (Juliet's CWE590
; free_struct_alloca_09 at -O2). Replacing it by its redzoned copy walks its users looking for
; lifetime markers; asking the phi for a callee read an operand a phi does not have, and clang
; crashed (whether it did depended on the heap's layout). The phi, the store and the call keep
; the redzoned object; only the marker goes.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @keep(ptr)
declare void @llvm.lifetime.start.p0(ptr)

; CHECK-LABEL: define void @branch_alloca(
; CHECK:      then:
; CHECK:      %[[NEW:[0-9]+]] = alloca i8, i64 {{.*}}, align 32
; CHECK:      call void @__ffisan_alloca_poison(i64 %[[OBJ:[0-9]+]], i64 800)
; CHECK:      %[[A:[0-9]+]] = inttoptr i64 %[[OBJ]] to ptr
; CHECK-NOT:  llvm.lifetime
; CHECK:      store i32 1, ptr %[[A]]
; CHECK:      join:
; CHECK-NEXT: %data = phi ptr [ null, %entry ], [ %[[A]], %{{[0-9a-z]+}} ]
; CHECK:      call void @keep(ptr %data)
; CHECK:      call void @__ffisan_allocas_unpoison(
; CHECK-NEXT: ret void
define void @branch_alloca(i1 %c) {
entry:
  br i1 %c, label %then, label %join

then:
  %buf = alloca [800 x i8], align 16
  call void @llvm.lifetime.start.p0(ptr %buf)
  store i32 1, ptr %buf, align 16
  br label %join

join:
  %data = phi ptr [ null, %entry ], [ %buf, %then ]
  call void @keep(ptr %data)
  ret void
}
