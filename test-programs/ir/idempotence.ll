; The pass is idempotent per module (rustc runs it twice over one codegen unit): a second run over an
; instrumented module changes nothing, and a module already marked !ffisan.instrumented is left alone.
; RUN: opt -load-pass-plugin=%pass_plugin -passes=ffisan -S %s -o %t.once.ll
; RUN: opt -load-pass-plugin=%pass_plugin -passes=ffisan,ffisan -S %s -o %t.twice.ll
; RUN: diff %t.once.ll %t.twice.ll
; RUN: %opt_ffisan -S %t.once.ll | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @keep(ptr)
declare i64 @strlen(ptr)

; CHECK: @llvm.global_ctors = appending global [1 x

; One of everything, each exactly once after two runs.
; CHECK-LABEL: define i64 @everything(
; CHECK:         call i64 @__ffisan_fake_frame_enter_
; CHECK-NOT:     call i64 @__ffisan_fake_frame_enter_
; CHECK:         call preserve_mostcc void @__ffisan_slow_
; CHECK-NOT:     call preserve_mostcc void @__ffisan_slow_
; CHECK:         call void @__ffisan_libc_strlen(
; CHECK-NOT:     call void @__ffisan_libc_strlen(
; CHECK:         call void @llvm.memset.p0.i64(
; CHECK-NOT:     call void @llvm.memset.p0.i64(
; CHECK:         ret i64
define i64 @everything(ptr %p) {
  %x = alloca i64, align 8
  call void @keep(ptr %x)
  %v = load i64, ptr %p, align 8
  %n = call i64 @strlen(ptr %p)
  %s = add i64 %v, %n
  ret i64 %s
}

; CHECK: !ffisan.instrumented = !{![[TAG:[0-9]+]]}
; CHECK-NOT: !ffisan.instrumented
