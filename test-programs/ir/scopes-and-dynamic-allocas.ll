; Scopes and dynamic allocas. A moved local with lifetime markers starts out of scope (0xf8 = -8),
; each lifetime.start makes it addressable (its partial granule 4) and each lifetime.end paints it
; 0xf8 again, only where the frame is a fake one; the in-scope store in the loop stays unchecked,
; the load after the loop (out of scope on every path) is checked. A VLA grows by 32 bytes on the
; left and is rounded up to 32 plus 32 on the right, is poisoned by the runtime, and every
; stackrestore and ret unpoisons what it pops; accesses through it are checked.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @keep(ptr)
declare void @llvm.lifetime.start.p0(ptr)
declare void @llvm.lifetime.end.p0(ptr)
declare ptr @llvm.stacksave.p0()
declare void @llvm.stackrestore.p0(ptr)

; CHECK-LABEL: define i32 @loop_local(
; CHECK:      %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_1(
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -8, i64 1, i1 false)
; CHECK:      %[[X:[0-9]+]] = select i1 %{{[0-9]+}}, ptr %{{[0-9]+}}, ptr %x
; CHECK:      loop:
; CHECK-NEXT: %i = phi
; CHECK-NEXT: %[[ON:[0-9]+]] = icmp ne i64 %[[F]], 0
; CHECK-NEXT: br i1 %[[ON]]
; CHECK:      store i8 4, ptr
; CHECK-NOT:  __ffisan_slow
; CHECK:      store i32 %i, ptr %[[X]], align 4
; CHECK-NEXT: call void @keep(ptr %[[X]])
; CHECK-NEXT: %[[ON2:[0-9]+]] = icmp ne i64 %[[F]], 0
; CHECK-NEXT: br i1 %[[ON2]]
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -8, i64 1, i1 false)
; CHECK:      exit:
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(
; CHECK:      %v = load volatile i32, ptr %[[X]], align 4
; CHECK-NOT:  llvm.lifetime
; CHECK-LABEL: {{^}}}
define i32 @loop_local(i32 %n) {
entry:
  %x = alloca i32, align 4
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  call void @llvm.lifetime.start.p0(ptr %x)
  store i32 %i, ptr %x, align 4
  call void @keep(ptr %x)
  call void @llvm.lifetime.end.p0(ptr %x)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  %v = load volatile i32, ptr %x, align 4
  ret i32 %v
}

; CHECK-LABEL: define i32 @vla(
; CHECK-NEXT: entry:
; CHECK-NEXT: %[[LOW:[0-9]+]] = alloca i64, align 8
; CHECK-NEXT: %[[TOP:[0-9]+]] = ptrtoint ptr %[[LOW]] to i64
; CHECK-NEXT: store i64 0, ptr %[[LOW]], align 8
; CHECK-NEXT: %sp = call ptr @llvm.stacksave.p0()
; CHECK-NEXT: %[[BYTES:[0-9]+]] = mul i64 %n, 4
; CHECK-NEXT: %[[R0:[0-9]+]] = add i64 %[[BYTES]], 31
; CHECK-NEXT: %[[R1:[0-9]+]] = and i64 %[[R0]], -32
; CHECK-NEXT: %[[TOTAL:[0-9]+]] = add i64 %[[R1]], 64
; CHECK-NEXT: %[[NEW:[0-9]+]] = alloca i8, i64 %[[TOTAL]], align 32
; CHECK-NEXT: %[[NI:[0-9]+]] = ptrtoint ptr %[[NEW]] to i64
; CHECK-NEXT: %[[OBJ:[0-9]+]] = add i64 %[[NI]], 32
; CHECK-NEXT: call void @__ffisan_alloca_poison(i64 %[[OBJ]], i64 %[[BYTES]])
; CHECK-NEXT: %[[LEFT:[0-9]+]] = sub i64 %[[OBJ]], 32
; CHECK-NEXT: store i64 %[[LEFT]], ptr %[[LOW]], align 8
; CHECK-NEXT: %[[A:[0-9]+]] = inttoptr i64 %[[OBJ]] to ptr
; CHECK-NEXT: call void @keep(ptr %[[A]])
; CHECK-NEXT: %p = getelementptr inbounds i32, ptr %[[A]], i64 %n
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(
; CHECK:      %v = load i32, ptr %p, align 4
; CHECK-NEXT: %[[L1:[0-9]+]] = load i64, ptr %[[LOW]], align 8
; CHECK-NEXT: %[[SAVED:[0-9]+]] = ptrtoint ptr %sp to i64
; CHECK-NEXT: call void @__ffisan_allocas_unpoison(i64 %[[L1]], i64 %[[SAVED]])
; CHECK-NEXT: %[[POPPED:[0-9]+]] = icmp ult i64 %[[L1]], %[[SAVED]]
; CHECK-NEXT: %[[L2:[0-9]+]] = select i1 %[[POPPED]], i64 %[[SAVED]], i64 %[[L1]]
; CHECK-NEXT: store i64 %[[L2]], ptr %[[LOW]], align 8
; CHECK-NEXT: call void @llvm.stackrestore.p0(ptr %sp)
; CHECK-NEXT: %[[L3:[0-9]+]] = load i64, ptr %[[LOW]], align 8
; CHECK-NEXT: call void @__ffisan_allocas_unpoison(i64 %[[L3]], i64 %[[TOP]])
; CHECK-NEXT: ret i32 %v
define i32 @vla(i64 %n) {
entry:
  %sp = call ptr @llvm.stacksave.p0()
  %a = alloca i32, i64 %n, align 16
  call void @keep(ptr %a)
  %p = getelementptr inbounds i32, ptr %a, i64 %n
  %v = load i32, ptr %p, align 4
  call void @llvm.stackrestore.p0(ptr %sp)
  ret i32 %v
}
