; A variadic libc call's `...` reaches its hook as a va_list the pass builds: the arguments
; spilled to an entry-block area as the x86-64 ABI passes them on the stack (8-byte slots,
; long double 16-aligned), a __va_list_tag with both register areas used up (48, 176). A hook
; after the call gets the result first; a va_list argument reaches it as a copy taken before.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@fmt = private constant [12 x i8] c"%s %d %Lf%f\00"

declare i32 @printf(ptr, ...)
declare i32 @sprintf(ptr, ptr, ...)
declare i32 @vsnprintf(ptr, i64, ptr, ptr)
declare i64 @read(i32, ptr, i64)
declare i32 @__isoc99_sscanf(ptr, ptr, ...)
declare i32 @vprintf(ptr, ptr)

; CHECK-LABEL: define i32 @spills_variadic_arguments(
; CHECK-NEXT:  [[AREA:%[0-9]+]] = alloca [40 x i8], align 16, !nosanitize
; CHECK-NEXT:  [[TAG:%[0-9]+]] = alloca [24 x i8], align 8, !nosanitize
; CHECK:       store ptr %s, ptr {{%[0-9]+}}, align 8
; CHECK:       [[S1:%[0-9]+]] = getelementptr inbounds i8, ptr [[AREA]], i64 8
; CHECK-NEXT:  [[N:%[0-9]+]] = zext i32 %n to i64
; CHECK-NEXT:  store i64 [[N]], ptr [[S1]]
; CHECK:       [[S2:%[0-9]+]] = getelementptr inbounds i8, ptr [[AREA]], i64 16
; CHECK-NEXT:  store x86_fp80 %x, ptr [[S2]], align 16
; CHECK:       [[S3:%[0-9]+]] = getelementptr inbounds i8, ptr [[AREA]], i64 32
; CHECK-NEXT:  store double 1.500000e+00, ptr [[S3]]
; CHECK-NEXT:  store i32 48, ptr [[TAG]]
; CHECK:       store i32 176, ptr
; CHECK:       store ptr [[AREA]], ptr
; CHECK:       store ptr null, ptr
; CHECK-NEXT:  call void @__ffisan_libc_vprintf(ptr @fmt, ptr [[TAG]], i32 {{[0-9]+}}), !dbg ![[LOC:[0-9]+]]
; CHECK-NEXT:  %r = call i32 (ptr, ...) @printf(ptr @fmt, ptr %s, i32 %n, x86_fp80 %x, double 1.500000e+00), !dbg ![[LOC]]
define i32 @spills_variadic_arguments(ptr %s, i32 %n, x86_fp80 %x) !dbg !5 {
  %r = call i32 (ptr, ...) @printf(ptr @fmt, ptr %s, i32 %n, x86_fp80 %x, double 1.5), !dbg !8
  ret i32 %r
}

; CHECK-LABEL: define i32 @output_checked_after(
; CHECK:       call void @__ffisan_libc_vsprintf(ptr %buf, ptr @fmt, ptr [[TAG:%[0-9]+]], i32 {{[0-9]+}})
; CHECK-NEXT:  %r = call i32 (ptr, ptr, ...) @sprintf(
; CHECK-NEXT:  call void @__ffisan_libc_vsprintf_after(i32 %r, ptr %buf, ptr @fmt, ptr [[TAG]], i32 {{[0-9]+}})
; CHECK-NEXT:  ret i32 %r
define i32 @output_checked_after(ptr %buf, ptr %s) {
  %r = call i32 (ptr, ptr, ...) @sprintf(ptr %buf, ptr @fmt, ptr %s)
  ret i32 %r
}

; CHECK-LABEL: define i32 @va_list_copied_for_after(
; CHECK:       [[COPY:%[0-9]+]] = alloca [24 x i8], align 8, !nosanitize
; CHECK:       call void @__ffisan_libc_vsnprintf(ptr %buf, i64 8, ptr %f, ptr %ap, i32 {{[0-9]+}})
; CHECK-COUNT-3: load i64, ptr
; CHECK:       %r = call i32 @vsnprintf(ptr %buf, i64 8, ptr %f, ptr %ap)
; CHECK-NEXT:  call void @__ffisan_libc_vsnprintf_after(i32 %r, ptr %buf, i64 8, ptr %f, ptr [[COPY]], i32 {{[0-9]+}})
define i32 @va_list_copied_for_after(ptr %buf, ptr %f, ptr %ap) {
  %r = call i32 @vsnprintf(ptr %buf, i64 8, ptr %f, ptr %ap)
  ret i32 %r
}

; Only an after-hook: read's count is known when it returns.
; CHECK-LABEL: define i64 @after_only(
; CHECK-NOT:   __ffisan_libc_read(
; CHECK:       %r = call i64 @read(i32 %fd, ptr %buf, i64 16)
; CHECK-NEXT:  call void @__ffisan_libc_read_after(i64 %r, i32 %fd, ptr %buf, i64 16, i32 {{[0-9]+}})
define i64 @after_only(i32 %fd, ptr %buf) {
  %r = call i64 @read(i32 %fd, ptr %buf, i64 16)
  ret i64 %r
}

; glibc's C99 scanf names share the plain ones' hooks.
; CHECK-LABEL: define i32 @isoc99_names(
; CHECK:       call void @__ffisan_libc_vsscanf(ptr %in, ptr @fmt, ptr
; CHECK:       call void @__ffisan_libc_vsscanf_after(i32 %r, ptr %in, ptr @fmt, ptr
define i32 @isoc99_names(ptr %in, ptr %out) {
  %r = call i32 (ptr, ptr, ...) @__isoc99_sscanf(ptr %in, ptr @fmt, ptr %out)
  ret i32 %r
}

; A struct passed by value is not laid out: no hook rather than a wrong one.
; CHECK-LABEL: define i32 @byval_gets_no_hook(
; CHECK-NOT:   __ffisan_libc
; CHECK:       ret i32
%pair = type { i64, i64, i64 }
define i32 @byval_gets_no_hook(ptr %p) {
  %r = call i32 (ptr, ...) @printf(ptr @fmt, ptr byval(%pair) %p)
  ret i32 %r
}

; A call through another type (not `printf`'s shape) is left alone.
; CHECK-LABEL: define i32 @wrong_shape(
; CHECK-NOT:   __ffisan_libc
; CHECK:       ret i32
define i32 @wrong_shape(ptr %f) {
  %r = call i32 @vprintf(ptr %f, i32 3)
  ret i32 %r
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "clang", isOptimized: true, runtimeVersion: 0, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "variadic.c", directory: "/tmp")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!4 = !{i32 7, !"Dwarf Version", i32 5}
!5 = distinct !DISubprogram(name: "spills_variadic_arguments", scope: !1, file: !1, line: 3, type: !6, scopeLine: 3, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!6 = !DISubroutineType(types: !7)
!7 = !{}
!8 = !DILocation(line: 4, column: 10, scope: !5)
