; Range checks of at most 57 bytes (or of a run-time length) get an inline pre-test: one 8-byte
; shadow load masked to the granules of the range but the last, the last granule's byte taken
; from the same load (0, or a partial value that holds the range's last byte, passes: a string's
; odd tail), and a test that the range does not lie within
; 1 GiB + 64 KiB below the stack pointer (the dead stack the runtime also looks at when the
; shadow is clean). Only if either fails, or a run-time length is not in 1..57, is
; __ffisan_check_range called. Longer constant ranges call it directly.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

; A constant 24-byte memset: store mask, span 24.
; CHECK-LABEL: define void @constant_memset(
; CHECK:      %[[A:[0-9]+]] = ptrtoint ptr %d to i64
; CHECK:      %[[S:[0-9]+]] = load i64, ptr %{{[0-9]+}}, align 1
; CHECK-NEXT: %[[MIS:[0-9]+]] = and i64 %[[A]], 7
; CHECK-NEXT: %[[LAST:[0-9]+]] = add i64 %[[MIS]], 23
; CHECK-NEXT: %[[BIT:[0-9]+]] = and i64 %[[LAST]], 56
; CHECK:      add i64 %{{[0-9]+}}, 31
; CHECK:      %[[SPAN:[0-9]+]] = lshr i64 -1, %{{[0-9]+}}
; CHECK-NEXT: %[[LASTG:[0-9]+]] = shl i64 255, %[[BIT]]
; CHECK-NEXT: %[[NOTLAST:[0-9]+]] = xor i64 %[[LASTG]], -1
; CHECK-NEXT: %[[REST:[0-9]+]] = and i64 %[[SPAN]], %[[NOTLAST]]
; CHECK-NEXT: %[[SH:[0-9]+]] = lshr i64 %[[S]], %[[BIT]]
; CHECK-NEXT: %[[V:[0-9]+]] = and i64 %[[SH]], 255
; CHECK-NEXT: %[[E:[0-9]+]] = and i64 %[[LAST]], 7
; CHECK-NEXT: %[[PAST:[0-9]+]] = icmp uge i64 %[[E]], %[[V]]
; CHECK-NEXT: %[[NOTPART:[0-9]+]] = icmp uge i64 %[[V]], 8
; CHECK-NEXT: %[[OUT:[0-9]+]] = or i1 %[[PAST]], %[[NOTPART]]
; CHECK-NEXT: %[[M:[0-9]+]] = and i64 %[[S]], %[[REST]]
; CHECK-NEXT: %[[DIRTY:[0-9]+]] = icmp ne i64 %[[M]], 0
; CHECK-NEXT: %[[NZ:[0-9]+]] = icmp ne i64 %[[V]], 0
; CHECK-NEXT: %[[SHORT:[0-9]+]] = and i1 %[[NZ]], %[[OUT]]
; CHECK-NEXT: %[[ANY:[0-9]+]] = or i1 %[[DIRTY]], %[[SHORT]]
; CHECK-NEXT: %[[SP:[0-9]+]] = call ptr @llvm.stacksave.p0()
; CHECK-NEXT: %[[SPI:[0-9]+]] = ptrtoint ptr %[[SP]] to i64
; CHECK-NEXT: %[[SP1:[0-9]+]] = sub i64 %[[SPI]], 1
; CHECK-NEXT: %[[BELOW:[0-9]+]] = sub i64 %[[SP1]], %[[A]]
; CHECK-NEXT: %[[NEAR:[0-9]+]] = icmp ult i64 %[[BELOW]], 1073807360
; CHECK-NEXT: %[[BAD:[0-9]+]] = or i1 %[[ANY]], %[[NEAR]]
; CHECK-NEXT: br i1 %[[BAD]], label %[[CALL:[0-9]+]], label %[[CONT:[0-9]+]], !prof
; CHECK:      [[CALL]]:
; CHECK-NEXT: call preserve_mostcc void @__ffisan_check_range(i64 %[[A]], i64 24, i32 1)
; CHECK:      [[CONT]]:
; CHECK-NEXT: call void @llvm.memset.p0.i64(ptr %d, i8 0, i64 24, i1 false)
define void @constant_memset(ptr %d) {
  call void @llvm.memset.p0.i64(ptr %d, i8 0, i64 24, i1 false)
  ret void
}

; A run-time length: the shadow is read at address 0 unless the length is in 1..57, and a length
; outside that range always calls the runtime. The source is read: load mask.
; CHECK-LABEL: define void @runtime_length(
; CHECK:      %[[A:[0-9]+]] = ptrtoint ptr %d to i64
; CHECK-NEXT: %[[N1:[0-9]+]] = sub i64 %n, 1
; CHECK-NEXT: %[[SMALL:[0-9]+]] = icmp ult i64 %[[N1]], 57
; CHECK-NEXT: %[[P:[0-9]+]] = select i1 %[[SMALL]], i64 %[[A]], i64 0
; CHECK-NEXT: lshr i64 %[[P]], 3
; CHECK:      lshr i64 -1, %{{[0-9]+}}
; CHECK:      icmp uge i64 %{{[0-9]+}}, 8
; CHECK:      icmp ult i64 %{{[0-9]+}}, 1073807360
; CHECK-NEXT: %[[OR:[0-9]+]] = or i1 %{{[0-9]+}}, %{{[0-9]+}}
; CHECK-NEXT: %[[BIG:[0-9]+]] = xor i1 %[[SMALL]], true
; CHECK-NEXT: %[[BAD:[0-9]+]] = or i1 %[[OR]], %[[BIG]]
; CHECK-NEXT: br i1 %[[BAD]]
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %[[A]], i64 %n, i32 1)
; CHECK:      lshr i64 -4629771061636907073, %{{[0-9]+}}
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 %n, i32 0)
; CHECK:      call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
define void @runtime_length(ptr %d, ptr %s, i64 %n) {
  call void @llvm.memcpy.p0.p0.i64(ptr %d, ptr %s, i64 %n, i1 false)
  ret void
}

; 58 bytes and more: the runtime checks the range, no pre-test.
; CHECK-LABEL: define void @long_range(
; CHECK-NOT:  load i64
; CHECK:      %[[A:[0-9]+]] = ptrtoint ptr %d to i64
; CHECK-NEXT: call preserve_mostcc void @__ffisan_check_range(i64 %[[A]], i64 58, i32 1)
; CHECK-NEXT: call void @llvm.memset.p0.i64
define void @long_range(ptr %d) {
  call void @llvm.memset.p0.i64(ptr %d, i8 0, i64 58, i1 false)
  ret void
}
