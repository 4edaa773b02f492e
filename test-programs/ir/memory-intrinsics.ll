; llvm.mem* intrinsics (and their .inline forms) and libc memory calls are checked over their ranges
; (ranges of at most 57 bytes, or of a run-time length, first get the inline pre-test of
; range-fast-path.ll: the call then sits in a cold block).
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memmove.p0.p0.i32(ptr, ptr, i32, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
declare void @llvm.memcpy.inline.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.inline.p0.i64(ptr, i8, i64, i1)
declare ptr @memcpy(ptr, ptr, i64)
declare i32 @memcmp(ptr, ptr, i64)
declare void @bzero(ptr, i64)

; The destination is written (flags 1), the source read (flags 0).
; CHECK-LABEL: define void @intrinsic_memcpy(
; CHECK:      %[[D:[0-9]+]] = ptrtoint ptr %d to i64
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %[[D]], i64 %n, i32 1)
; CHECK:      %[[S:[0-9]+]] = ptrtoint ptr %s to i64
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %[[S]], i64 %n, i32 0)
; CHECK:      call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
define void @intrinsic_memcpy(ptr %d, ptr %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  ret void
}

; A 32-bit length is widened to the runtime's u64.
; CHECK-LABEL: define void @intrinsic_memmove_i32(
; CHECK:      %[[LEN:[0-9]+]] = zext i32 %n to i64
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 %[[LEN]], i32 1)
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 %{{[0-9]+}}, i32 0)
; CHECK:      call void @llvm.memmove
define void @intrinsic_memmove_i32(ptr %d, ptr %s, i32 %n) {
  call void @llvm.memmove.p0.p0.i32(ptr %d, ptr %s, i32 %n, i1 false)
  ret void
}

; CHECK-LABEL: define void @intrinsic_memset_and_inline(
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 100, i32 1)
; CHECK-NEXT: call void @llvm.memset.p0.i64
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 24, i32 1)
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 24, i32 0)
; CHECK:      call void @llvm.memcpy.inline
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 16, i32 1)
; CHECK:      call void @llvm.memset.inline
define void @intrinsic_memset_and_inline(ptr %d, ptr %s) {
  call void @llvm.memset.p0.i64(ptr %d, i8 0, i64 100, i1 false)
  call void @llvm.memcpy.inline.p0.p0.i64(ptr %d, ptr %s, i64 24, i1 false)
  call void @llvm.memset.inline.p0.i64(ptr %d, i8 1, i64 16, i1 false)
  ret void
}

; CHECK-LABEL: define i32 @libc_memory_calls(
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 %n, i32 1)
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 %n, i32 0)
; CHECK:      call ptr @memcpy(
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 %n, i32 0)
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 %n, i32 0)
; CHECK:      call i32 @memcmp(
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 %n, i32 1)
; CHECK:      call void @bzero(
define i32 @libc_memory_calls(ptr %d, ptr %s, i64 %n) {
  %r = call ptr @memcpy(ptr %d, ptr %s, i64 %n)
  %c = call i32 @memcmp(ptr %d, ptr %s, i64 %n)
  call void @bzero(ptr %d, i64 %n)
  ret i32 %c
}

; A zero-length range touches nothing.
; CHECK-LABEL: define void @zero_length(
; CHECK-NOT:  __ffisan_check_range
; CHECK:      ret void
define void @zero_length(ptr %d, ptr %s) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 0, i1 false)
  ret void
}
