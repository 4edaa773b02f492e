; Stack-use-after-return: escaping static allocas move to one fake frame from the runtime (the entry
; point of its size class), with the real alloca as fallback. A frame it gives is painted inline,
; and left before every return, inline: its shadow is poisoned (0xf5 = -11, stack-use-after-return)
; and the owner word 8 bytes below it cleared.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @keep(ptr)
declare i32 @_setjmp(ptr) returns_twice
declare i32 @vfork() returns_twice
@env = global [200 x i8] zeroinitializer, align 16
declare void @llvm.lifetime.start.p0(ptr)
declare void @llvm.lifetime.end.p0(ptr)

; %buf (12 bytes) at offset 32 of the frame's 32-aligned base, %n (escapes too) at 96, with redzones
; around them (stack_redzones.rs): 160 bytes from the base, 184 with the alignment slack, class 2;
; %local never escapes and stays put. The frame is painted at entry: mid redzone (0xf2 = -14)
; over the slot, left redzone (0xf1 = -15) at the base, each object addressable (its partial last
; granule 4), right redzone (0xf3 = -13) after the last, and the description pointer at the base.
; %buf has a lifetime.start, so it starts out of scope (0xf8 = -8) and its lifetime.start makes it
; addressable; its lifetime.end right before the ret costs nothing (leaving repaints the frame).
; CHECK-LABEL: define i32 @escaping_locals(
; CHECK-NEXT: %buf = alloca [12 x i8], align 1
; CHECK-NEXT: %n = alloca i32, align 4
; CHECK-NEXT: %local = alloca i32, align 4
; CHECK-NEXT: %[[REAL:[0-9]+]] = ptrtoint ptr %buf to i64
; CHECK-NEXT: %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_2(i64 %[[REAL]])
; CHECK-NEXT: %[[ON:[0-9]+]] = icmp ne i64 %[[F]], 0
; CHECK-NEXT: %[[B0:[0-9]+]] = add i64 %[[F]], 31
; CHECK-NEXT: %[[BASE:[0-9]+]] = and i64 %[[B0]], -32
; CHECK-NEXT: br i1 %[[ON]], label %[[PAINT:[0-9]+]], label %[[BODY:[0-9]+]]
; CHECK:      [[PAINT]]:
; CHECK-NEXT: %[[USH:[0-9]+]] = lshr i64 %[[F]], 3
; CHECK-NEXT: %[[USA:[0-9]+]] = add i64 %[[USH]], 2147450880
; CHECK-NEXT: %[[USP:[0-9]+]] = inttoptr i64 %[[USA]] to ptr
; CHECK-NEXT: call void @llvm.memset.p0.i64(ptr %[[USP]], i8 -14, i64 23, i1 false)
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -15, i64 4, i1 false)
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -8, i64 2, i1 false)
; CHECK:      store i8 4, ptr
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -13, i64 7, i1 false)
; CHECK:      %[[DP:[0-9]+]] = inttoptr i64 %[[BASE]] to ptr
; CHECK-NEXT: store i64 ptrtoint (ptr @[[DESC:__ffisan_global_name[.0-9]*]] to i64), ptr %[[DP]]
; CHECK-NEXT: br label %[[BODY]]
; CHECK:      [[BODY]]:
; CHECK-NEXT: %[[A0:[0-9]+]] = add i64 %[[BASE]], 32
; CHECK-NEXT: %[[P0:[0-9]+]] = inttoptr i64 %[[A0]] to ptr
; CHECK-NEXT: %[[BUF:[0-9]+]] = select i1 %[[ON]], ptr %[[P0]], ptr %buf
; CHECK-NEXT: %[[A1:[0-9]+]] = add i64 %[[BASE]], 96
; CHECK-NEXT: %[[P1:[0-9]+]] = inttoptr i64 %[[A1]] to ptr
; CHECK-NEXT: %[[N:[0-9]+]] = select i1 %[[ON]], ptr %[[P1]], ptr %n
; CHECK-NOT:  llvm.lifetime.start.p0(ptr %buf)
; CHECK:      icmp ne i64 %[[F]], 0
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 0, i64 1, i1 false)
; CHECK:      store i8 4, ptr
; CHECK:      call void @keep(ptr %[[BUF]])
; CHECK-NEXT: call void @keep(ptr %[[N]])
; CHECK-NEXT: store i32 1, ptr %local
; CHECK-NEXT: %v = load i32, ptr %[[N]]
; CHECK-NOT:  llvm.lifetime.end.p0(ptr %buf)
; CHECK:      %[[ON2:[0-9]+]] = icmp ne i64 %[[F]], 0
; CHECK-NEXT: br i1 %[[ON2]], label %[[LEAVE:[0-9]+]], label %[[RET:[0-9]+]]
; CHECK:      [[LEAVE]]:
; CHECK-NEXT: %[[SH:[0-9]+]] = lshr i64 %[[F]], 3
; CHECK-NEXT: %[[SA:[0-9]+]] = add i64 %[[SH]], 2147450880
; CHECK-NEXT: %[[SP:[0-9]+]] = inttoptr i64 %[[SA]] to ptr
; CHECK-NEXT: call void @llvm.memset.p0.i64(ptr %[[SP]], i8 -11, i64 23, i1 false)
; CHECK-NEXT: %[[OA:[0-9]+]] = sub i64 %[[F]], 8
; CHECK-NEXT: %[[OP:[0-9]+]] = inttoptr i64 %[[OA]] to ptr
; CHECK-NEXT: store i64 0, ptr %[[OP]], align 8
; CHECK-NEXT: br label %[[RET]]
; CHECK:      [[RET]]:
; CHECK-NEXT: ret i32 %v
define i32 @escaping_locals() {
  %buf = alloca [12 x i8], align 1
  %n = alloca i32, align 4
  %local = alloca i32, align 4
  call void @llvm.lifetime.start.p0(ptr %buf)
  call void @keep(ptr %buf)
  call void @keep(ptr %n)
  store i32 1, ptr %local, align 4
  %v = load i32, ptr %n, align 4
  call void @llvm.lifetime.end.p0(ptr %buf)
  ret i32 %v
}

; Every return leaves the frame; storing the address somewhere is an escape too.
; CHECK-LABEL: define void @two_returns(
; CHECK:      %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_1(
; CHECK:      store ptr %{{[0-9]+}}, ptr %out
; CHECK:      icmp ne i64 %[[F]], 0
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -11, i64 15, i1 false)
; CHECK:      ret void
; CHECK:      icmp ne i64 %[[F]], 0
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -11, i64 15, i1 false)
; CHECK:      ret void
define void @two_returns(i1 %c, ptr %out) {
entry:
  %x = alloca i64, align 8
  store ptr %x, ptr %out, align 8
  br i1 %c, label %a, label %b
a:
  ret void
b:
  ret void
}

; Over-aligned locals: the frame is padded and its base aligned in IR (the runtime promises 8).
; CHECK-LABEL: define void @over_aligned(
; CHECK:      %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_1(
; CHECK:      %[[UP:[0-9]+]] = add i64 %[[F]], 31
; CHECK-NEXT: %[[BASE:[0-9]+]] = and i64 %[[UP]], -32
; CHECK:      inttoptr i64 %[[BASE]] to ptr
; CHECK:      lshr i64 %[[F]], 3
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -11, i64 15, i1 false)
define void @over_aligned() {
  %v = alloca <8 x i32>, align 32
  call void @keep(ptr %v)
  ret void
}

; A function that calls setjmp gets its frame at the entry block, even where the locals' uses
; would let it be entered lazily: a longjmp back to a setjmp before a lazy enter would enter a
; second frame. The frame is an SSA value defined before the setjmp; every ret leaves it.
; CHECK-LABEL: define i32 @calls_setjmp(
; CHECK:      entry:
; CHECK-NOT:  store i64 0
; CHECK:      %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_{{[0-9]+}}(
; CHECK:      call i32 @_setjmp(
; CHECK:      rare:
; CHECK:      call void @keep(
; CHECK:      done:
; CHECK:      icmp ne i64 %[[F]], 0
; CHECK:      lshr i64 %[[F]], 3
; CHECK:      ret i32
define i32 @calls_setjmp(i1 %c) {
entry:
  %buf = alloca [16 x i8], align 1
  %r = call i32 @_setjmp(ptr @env)
  br i1 %c, label %rare, label %done
rare:
  call void @keep(ptr %buf)
  br label %done
done:
  ret i32 %r
}

; vfork's child runs on the parent's frame and may only _exit or exec: no fake frame.
; CHECK-LABEL: define i32 @calls_vfork(
; CHECK-NOT:  __ffisan_fake_frame
; CHECK:      ret i32
define i32 @calls_vfork() {
  %buf = alloca [16 x i8], align 1
  call void @keep(ptr %buf)
  %r = call i32 @vfork()
  ret i32 %r
}

; musttail leaves no room between the call and its ret.
; CHECK-LABEL: define void @has_musttail(
; CHECK-NOT:  __ffisan_fake_frame
; CHECK:      ret void
define void @has_musttail(ptr %p) {
  %x = alloca i32, align 4
  call void @keep(ptr %x)
  musttail call void @keep(ptr %p)
  ret void
}

; Locals only loaded and stored need no fake frame.
; CHECK-LABEL: define i32 @contained(
; CHECK-NOT:  __ffisan
; CHECK:      ret i32
define i32 @contained() {
  %x = alloca [2 x i32], align 4
  %e = getelementptr inbounds [2 x i32], ptr %x, i64 0, i64 1
  store i32 3, ptr %e, align 4
  %v = load i32, ptr %e, align 4
  ret i32 %v
}

; The class is the pass's: 300 bytes with their redzones (408 from the frame's start) and the
; owner word fit a 512-byte slot (class 3); 64 KiB do not fit the largest slot, so those locals
; stay on the real stack.
; CHECK-LABEL: define void @class_three(
; CHECK:      call i64 @__ffisan_fake_frame_enter_3(
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 0, i64 37, i1 false)
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -11, i64 51, i1 false)
define void @class_three() {
  %v = alloca [300 x i8], align 1
  call void @keep(ptr %v)
  ret void
}

; CHECK-LABEL: define void @too_big(
; CHECK-NOT:  __ffisan_fake_frame
; CHECK:      ret void
define void @too_big() {
  %v = alloca [65536 x i8], align 1
  call void @keep(ptr %v)
  ret void
}

; The enter entry points are called through the GOT, never a PLT stub, and never unwind.
; CHECK: declare i64 @__ffisan_fake_frame_enter_{{[0-9]+}}(i64) #[[HOT:[0-9]+]]
; CHECK: attributes #[[HOT]] = { nounwind nonlazybind }
