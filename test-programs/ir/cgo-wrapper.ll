; cgo: a _Cfunc_ wrapper opens a call window at entry and closes it before every return, and hands
; each word it reads from Go's argument frame to the runtime (the Go object it points into is lent
; to the call); a wrapper that copies an argument with memcpy opens a plain window instead. Its own
; accesses (the argument frame on the goroutine stack) stay unchecked, user C inlined into it is
; checked. runtime/cgo's own functions are never touched.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare ptr @_cgo_topofstack()
declare i64 @strlen(ptr)

; CHECK-LABEL: define void @_cgo_0b49d2b8c8a5_Cfunc_first_byte(
; CHECK-NEXT: entry:
; CHECK-NEXT: call void @__ffisan_cgo_window_begin(), !dbg
; CHECK-NEXT: %p = load ptr, ptr %v, align 8, !dbg ![[OWN:[0-9]+]]
; CHECK-NEXT: %[[L:[0-9]+]] = ptrtoint ptr %p to i64, !dbg ![[OWN]]
; CHECK-NEXT: call void @__ffisan_cgo_lend(i64 %[[L]]), !dbg ![[OWN]]
; CHECK-NEXT: %[[A:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK:      call preserve_mostcc void @__ffisan_slow_load1(i64 %[[A]]), !dbg ![[INLINED:[0-9]+]]
; CHECK:      %c = load i8, ptr %p, align 1, !dbg ![[INLINED]]
; CHECK-NEXT: %top = call ptr @_cgo_topofstack()
; CHECK-NEXT: %r = getelementptr inbounds i8, ptr %v, i64 8
; CHECK-NEXT: store i8 %c, ptr %r, align 1
; CHECK-NEXT: call void @__ffisan_cgo_window_end(), !dbg
; CHECK-NEXT: ret void
define void @_cgo_0b49d2b8c8a5_Cfunc_first_byte(ptr %v) !dbg !5 {
entry:
  %p = load ptr, ptr %v, align 8, !dbg !8
  %c = load i8, ptr %p, align 1, !dbg !10
  %top = call ptr @_cgo_topofstack(), !dbg !8
  %r = getelementptr inbounds i8, ptr %v, i64 8, !dbg !8
  store i8 %c, ptr %r, align 1, !dbg !8
  ret void, !dbg !8
}

; `C.strlen(p)`: the wrapper's direct libc call is hooked (its argument is C's string), the frame is not.
; CHECK-LABEL: define void @_cgo_0b49d2b8c8a5_Cfunc_strlen(
; CHECK-NEXT: call void @__ffisan_cgo_window_begin()
; CHECK-NEXT: %p = load ptr, ptr %v, align 8
; CHECK-NEXT: %[[L2:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK-NEXT: call void @__ffisan_cgo_lend(i64 %[[L2]])
; CHECK-NEXT: call void @__ffisan_libc_strlen(ptr %p, i32 {{[0-9]+}})
; CHECK-NEXT: %n = call i64 @strlen(ptr %p)
; CHECK-NEXT: %r = getelementptr inbounds i8, ptr %v, i64 8
; CHECK-NEXT: store i64 %n, ptr %r, align 8
; CHECK-NEXT: call void @__ffisan_cgo_window_end()
; CHECK-NEXT: ret void
define void @_cgo_0b49d2b8c8a5_Cfunc_strlen(ptr %v) {
  %p = load ptr, ptr %v, align 8
  %n = call i64 @strlen(ptr %p)
  %r = getelementptr inbounds i8, ptr %v, i64 8
  store i64 %n, ptr %r, align 8
  ret void
}

; A struct argument copied out of the frame with memcpy: what it lends is not seen, so the window
; is a plain one (any Go memory allowed during the call).
; CHECK-LABEL: define void @_cgo_0b49d2b8c8a5_Cfunc_by_value(
; CHECK-NOT:  __ffisan_cgo
; CHECK:      call void @ffisan_call_window_begin()
; CHECK-NOT:  __ffisan_cgo
; CHECK:      call void @ffisan_call_window_end()
; CHECK-NEXT: ret void
declare void @use_struct(ptr)
define void @_cgo_0b49d2b8c8a5_Cfunc_by_value(ptr %v) {
  %s = alloca [32 x i8]
  call void @llvm.memcpy.p0.p0.i64(ptr %s, ptr %v, i64 32, i1 false)
  call void @use_struct(ptr %s)
  ret void
}

; runtime/cgo's own C and the non-wrapper _cgo_ helpers are never instrumented.
; CHECK-LABEL: define ptr @x_cgo_mmap(
; CHECK-NOT:  ffisan
; CHECK:      ret ptr
define ptr @x_cgo_mmap(ptr %addr, ptr %out) {
  store ptr %addr, ptr %out, align 8
  %v = load ptr, ptr %out, align 8
  ret ptr %v
}

; CHECK-LABEL: define void @crosscall2(
; CHECK-NOT:  ffisan
; CHECK:      ret void
define void @crosscall2(ptr %p) {
  store i32 0, ptr %p, align 4
  ret void
}

; CHECK-LABEL: define void @_cgo_release_context(
; CHECK-NOT:  ffisan
; CHECK:      ret void
define void @_cgo_release_context(ptr %p) {
  store i64 0, ptr %p, align 8
  ret void
}

; The user's C function itself, compiled in the same file, is ordinary native code.
; CHECK-LABEL: define i8 @first_byte(
; CHECK:      call preserve_mostcc void @__ffisan_slow_
; CHECK-NOT:  ffisan_call_window
; CHECK:      ret i8
define i8 @first_byte(ptr %p) !dbg !9 {
  %c = load i8, ptr %p, align 1, !dbg !11
  ret i8 %c
}

; The window calls go through the GOT (a cgo call makes two and a lend per argument), and never unwind.
; CHECK-DAG: declare void @__ffisan_cgo_window_begin() #[[HOT:[0-9]+]]
; CHECK-DAG: declare void @__ffisan_cgo_lend(i64) #[[HOT]]
; CHECK-DAG: declare void @__ffisan_cgo_window_end() #[[HOT]]
; CHECK-DAG: declare void @ffisan_call_window_begin() #[[HOT]]
; CHECK-DAG: declare void @ffisan_call_window_end() #[[HOT]]
; CHECK: attributes #[[HOT]] = { nounwind nonlazybind }

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "clang", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "cgo-generated.c", directory: "/tmp")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!5 = distinct !DISubprogram(name: "_cgo_0b49d2b8c8a5_Cfunc_first_byte", scope: !1, file: !1, line: 40, type: !6, unit: !0)
!6 = !DISubroutineType(types: !7)
!7 = !{}
!8 = !DILocation(line: 42, column: 3, scope: !5)
!9 = distinct !DISubprogram(name: "first_byte", scope: !1, file: !1, line: 3, type: !6, unit: !0)
!10 = !DILocation(line: 4, column: 10, scope: !9, inlinedAt: !8)
!11 = !DILocation(line: 4, column: 10, scope: !9)
