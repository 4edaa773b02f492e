; A cgo wrapper whose C has a local with an escaping address (an out-parameter, `long t; fill(&t);`)
; gets both a fake frame and a call window, each placed in the IR as the other steps left it: the
; window opens before the fake frame is entered and closes after it was left, and nothing refers to
; an instruction an earlier step erased (the lifetime markers) or code it put before the first
; instruction (a libc hook, a check).
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare void @fill(ptr)
declare void @h(ptr)
declare i64 @strlen(ptr)
declare void @llvm.lifetime.start.p0(ptr)
declare void @llvm.lifetime.end.p0(ptr)

; clang -O1's IR of `void _cgo_..._Cfunc_refresh(void *v) { long t; fill(&t); }`: the first
; instruction after the allocas is the lifetime marker the fake frame erases.
; CHECK-LABEL: define void @_cgo_3ca438a15380_Cfunc_refresh(
; CHECK-NEXT: %t = alloca i64, align 8
; CHECK-NEXT: call void @__ffisan_cgo_window_begin()
; CHECK-NEXT: %[[REAL:[0-9]+]] = ptrtoint ptr %t to i64
; CHECK-NEXT: %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_1(i64 %[[REAL]])
; CHECK-NEXT: %[[ON:[0-9]+]] = icmp ne i64 %[[F]], 0
; CHECK-NEXT: %[[B0:[0-9]+]] = add i64 %[[F]], 31
; CHECK-NEXT: %[[BASE:[0-9]+]] = and i64 %[[B0]], -32
; CHECK-NEXT: br i1 %[[ON]], label %[[PAINT:[0-9]+]], label %[[BODY:[0-9]+]]
; CHECK:      [[PAINT]]:
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -14, i64 15, i1 false)
; CHECK:      br label %[[BODY]]
; CHECK:      [[BODY]]:
; CHECK-NEXT: %[[A:[0-9]+]] = add i64 %[[BASE]], 32
; CHECK-NEXT: %[[P:[0-9]+]] = inttoptr i64 %[[A]] to ptr
; CHECK-NEXT: %[[T:[0-9]+]] = select i1 %[[ON]], ptr %[[P]], ptr %t
; CHECK:      call void @fill(ptr nonnull %[[T]])
; CHECK-NEXT: %[[ON2:[0-9]+]] = icmp ne i64 %[[F]], 0
; CHECK-NEXT: br i1 %[[ON2]], label %[[LEAVE:[0-9]+]], label %[[RET:[0-9]+]]
; CHECK:      [[LEAVE]]:
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -11, i64 15, i1 false)
; CHECK:      store i64 0, ptr %{{[0-9]+}}, align 8
; CHECK-NEXT: br label %[[RET]]
; CHECK:      [[RET]]:
; CHECK-NEXT: call void @__ffisan_cgo_window_end()
; CHECK-NEXT: ret void
; CHECK-NOT:  llvm.lifetime
; CHECK-LABEL: {{^}}}
define void @_cgo_3ca438a15380_Cfunc_refresh(ptr %v) {
  %t = alloca i64, align 8
  call void @llvm.lifetime.start.p0(ptr nonnull %t)
  call void @fill(ptr nonnull %t)
  call void @llvm.lifetime.end.p0(ptr nonnull %t)
  ret void
}

; Entered lazily (only the `%c` path uses the local): the window still opens at the entry, before
; the frame's slot is set, and closes after the frame was left.
; CHECK-LABEL: define void @_cgo_3ca438a15380_Cfunc_maybe_refresh(
; CHECK-NEXT: entry:
; CHECK-NEXT: %[[SLOT:[0-9]+]] = alloca i64, align 8
; CHECK-NEXT: call void @__ffisan_cgo_window_begin()
; CHECK-NEXT: store i64 0, ptr %[[SLOT]], align 8
; CHECK-NEXT: %t = alloca i64, align 8
; CHECK-NEXT: %c = load i1, ptr %v
; CHECK-NEXT: br i1 %c, label %use, label %done
; CHECK:      use:
; CHECK:      %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_1(
; CHECK-NEXT: store i64 %[[F]], ptr %[[SLOT]], align 8
; CHECK:      call void @fill(ptr %{{[0-9]+}})
; CHECK:      done:
; CHECK-NEXT: %[[E:[0-9]+]] = load i64, ptr %[[SLOT]], align 8
; CHECK-NEXT: %[[ON:[0-9]+]] = icmp ne i64 %[[E]], 0
; CHECK-NEXT: br i1 %[[ON]], label %[[LEAVE:[0-9]+]], label %[[RET:[0-9]+]]
; CHECK:      [[LEAVE]]:
; CHECK:      call void @llvm.memset.p0.i64(ptr %{{[0-9]+}}, i8 -11, i64 15, i1 false)
; CHECK:      [[RET]]:
; CHECK-NEXT: call void @__ffisan_cgo_window_end()
; CHECK-NEXT: ret void
define void @_cgo_3ca438a15380_Cfunc_maybe_refresh(ptr %v) {
entry:
  %t = alloca i64, align 8
  %c = load i1, ptr %v
  br i1 %c, label %use, label %done
use:
  call void @llvm.lifetime.start.p0(ptr nonnull %t)
  call void @fill(ptr %t)
  call void @llvm.lifetime.end.p0(ptr nonnull %t)
  br label %done
done:
  ret void
}

; User C inlined into the wrapper as its first instruction: its check runs inside the window.
; CHECK-LABEL: define i8 @_cgo_3ca438a15380_Cfunc_first_byte(
; CHECK-NEXT: call void @__ffisan_cgo_window_begin()
; CHECK-NEXT: %[[A:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK:      call preserve_mostcc void @__ffisan_slow_load1(i64 %[[A]])
; CHECK:      %c = load i8, ptr %p, align 1
; CHECK-NEXT: call void @__ffisan_cgo_window_end()
; CHECK-NEXT: ret i8 %c
define i8 @_cgo_3ca438a15380_Cfunc_first_byte(ptr %p) !dbg !5 {
  %c = load i8, ptr %p, align 1, !dbg !10
  ret i8 %c, !dbg !8
}

; A wrapper that returns a `musttail` call: the window closes before the call, which must stay
; right before the `ret`.
; CHECK-LABEL: define void @_cgo_3ca438a15380_Cfunc_tail(
; CHECK-NEXT: call void @__ffisan_cgo_window_begin()
; CHECK-NEXT: call void @__ffisan_cgo_window_end()
; CHECK-NEXT: musttail call void @h(ptr %v)
; CHECK-NEXT: ret void
define void @_cgo_3ca438a15380_Cfunc_tail(ptr %v) {
  musttail call void @h(ptr %v)
  ret void
}

; Not a wrapper: a libc hook put before the first instruction takes the moved local, so the fake
; frame is entered before the hook.
; CHECK-LABEL: define i64 @hooked_first(
; CHECK-NEXT: %buf = alloca [16 x i8], align 1
; CHECK-NEXT: %[[REAL:[0-9]+]] = ptrtoint ptr %buf to i64
; CHECK-NEXT: %[[F:[0-9]+]] = call i64 @__ffisan_fake_frame_enter_1(i64 %[[REAL]])
; CHECK:      %[[BUF:[0-9]+]] = select i1 %{{[0-9]+}}, ptr %{{[0-9]+}}, ptr %buf
; CHECK-NEXT: call void @__ffisan_libc_strlen(ptr %[[BUF]], i32 {{[0-9]+}})
; CHECK-NEXT: %n = call i64 @strlen(ptr %[[BUF]])
; CHECK-NEXT: call void @h(ptr %[[BUF]])
; CHECK:      ret i64 %n
define i64 @hooked_first() {
  %buf = alloca [16 x i8], align 1
  %n = call i64 @strlen(ptr %buf)
  call void @h(ptr %buf)
  ret i64 %n
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "clang", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "cgo-generated.c", directory: "/tmp")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!5 = distinct !DISubprogram(name: "_cgo_3ca438a15380_Cfunc_first_byte", scope: !1, file: !1, line: 40, type: !6, unit: !0)
!6 = !DISubroutineType(types: !7)
!7 = !{}
!8 = !DILocation(line: 42, column: 3, scope: !5)
!9 = distinct !DISubprogram(name: "first_byte", scope: !1, file: !1, line: 3, type: !6, unit: !0)
!10 = !DILocation(line: 4, column: 10, scope: !9, inlinedAt: !8)
