; Calls to libc string functions get a call to the runtime's __ffisan_libc_<name> hook right before,
; with the same arguments and the flags (domain C = 0).
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare i64 @strlen(ptr)
declare ptr @strcpy(ptr, ptr)
declare i32 @strncmp(ptr, ptr, i64)
declare ptr @strchr(ptr, i32)
declare ptr @strdup(ptr)
declare ptr @strndup(ptr, i64)

; CHECK-LABEL: define i64 @string_calls(
; The flags name the function called (for the report's frame #0): (1 + its index in contract.rs's
; LIBC_FUNCTION_NAMES) << 16, over the C domain's 0; strlen is the first, strcpy the third.
; CHECK:      call void @__ffisan_libc_strlen(ptr %s, i32 65536), !dbg ![[LOC:[0-9]+]], !nosanitize
; CHECK-NEXT: %n = call i64 @strlen(ptr %s), !dbg ![[LOC]]
; CHECK-NEXT: call void @__ffisan_libc_strcpy(ptr %d, ptr %s, i32 196608)
; CHECK-NEXT: call ptr @strcpy(ptr %d, ptr %s)
; CHECK-NEXT: call void @__ffisan_libc_strncmp(ptr %d, ptr %s, i64 %n, i32 {{[0-9]+}})
; CHECK-NEXT: call i32 @strncmp(
; CHECK-NEXT: call void @__ffisan_libc_strchr(ptr %s, i32 47, i32 {{[0-9]+}})
; CHECK-NEXT: call ptr @strchr(
; CHECK-NEXT: call void @__ffisan_libc_strdup(ptr %s, i32 {{[0-9]+}})
; CHECK-NEXT: call ptr @strdup(
; CHECK-NEXT: call void @__ffisan_libc_strndup(ptr %s, i64 3, i32 {{[0-9]+}})
; CHECK-NEXT: call ptr @strndup(
define i64 @string_calls(ptr %d, ptr %s) !dbg !5 {
  %n = call i64 @strlen(ptr %s), !dbg !8
  %1 = call ptr @strcpy(ptr %d, ptr %s)
  %2 = call i32 @strncmp(ptr %d, ptr %s, i64 %n)
  %3 = call ptr @strchr(ptr %s, i32 47)
  %4 = call ptr @strdup(ptr %s)
  %5 = call ptr @strndup(ptr %s, i64 3)
  ret i64 %n
}

; A module's own definition of a libc name is ordinary code, not libc.
; CHECK-LABEL: define i64 @calls_own_strnlen(
; CHECK-NOT:  __ffisan_libc_strnlen
; CHECK:      call i64 @strnlen(
define i64 @calls_own_strnlen(ptr %s) {
  %n = call i64 @strnlen(ptr %s, i64 4)
  ret i64 %n
}

define i64 @strnlen(ptr %s, i64 %max) {
  ret i64 0
}

; CHECK: declare void @__ffisan_libc_strlen(ptr, i32)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "clang", isOptimized: false, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "str.c", directory: "/tmp")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!5 = distinct !DISubprogram(name: "string_calls", scope: !1, file: !1, line: 1, type: !6, unit: !0)
!6 = !DISubroutineType(types: !7)
!7 = !{}
!8 = !DILocation(line: 2, column: 10, scope: !5)
