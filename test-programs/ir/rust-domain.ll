; Code from rustc (llvm.ident names rustc) is checked with the Rust domain in its flags: bits 1..3 = 1.
; The constructor is appended to an existing llvm.global_ctors.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

@llvm.global_ctors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 65535, ptr @user_init, ptr null }]

; CHECK: @llvm.global_ctors = appending global [2 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 65535, ptr @user_init, ptr null }, { i32, ptr, ptr } { i32 1, ptr @ffisan.module_ctor, ptr null }]

define internal void @user_init() {
  ret void
}

; CHECK-LABEL: define i32 @read_write(
; CHECK:      call preserve_mostcc void @__ffisan_slow_rust_load4(i64 %{{[0-9]+}})
; CHECK:      call preserve_mostcc void @__ffisan_slow_rust_store4(i64 %{{[0-9]+}})
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 %n, i32 3)
define i32 @read_write(ptr %p, ptr %q, i64 %n) {
  %v = load i32, ptr %p, align 4
  store i32 %v, ptr %q, align 4
  call void @llvm.memset.p0.i64(ptr %q, i8 0, i64 %n, i1 false)
  ret i32 %v
}

declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

!llvm.ident = !{!0}
!0 = !{!"rustc version 1.95.0 (59807616e 2026-04-14)"}
