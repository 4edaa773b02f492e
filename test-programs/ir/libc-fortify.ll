; _FORTIFY_SOURCE's __*_chk calls get their plain function's hooks over the plain function's
; arguments only (glibc's flag and the destination's length dropped): __printf_chk's va_list is
; spilled from the arguments after its format; __sprintf_chk's destination length becomes SIZE_MAX
; so its output check after the call runs; a length glibc compares with the destination's before
; it starts (__read_chk, __snprintf_chk, __fread_chk) is checked first; __memcpy_chk is a range check.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@fmt = private constant [3 x i8] c"%s\00"

declare i32 @__printf_chk(i32, ptr, ...)
declare i32 @__sprintf_chk(ptr, i32, i64, ptr, ...)
declare i32 @__snprintf_chk(ptr, i64, i32, i64, ptr, ...)
declare i64 @__read_chk(i32, ptr, i64, i64)
declare i64 @__fread_chk(ptr, i64, i64, i64, ptr)
declare ptr @__memcpy_chk(ptr, ptr, i64, i64)
declare ptr @__strcpy_chk(ptr, ptr, i64)
declare ptr @__wmemcpy_chk(ptr, ptr, i64, i64)
declare i32 @__vfprintf_chk(ptr, i32, ptr, ptr)
declare ptr @__unknown_chk(ptr, ptr, i64)

; CHECK-LABEL: define i32 @printf_chk(
; CHECK:       call void @__ffisan_libc_vprintf(ptr @fmt, ptr [[TAG:%[0-9]+]], i32 {{[0-9]+}})
; CHECK-NEXT:  %r = call i32 (i32, ptr, ...) @__printf_chk(i32 1, ptr @fmt, ptr %s)
define i32 @printf_chk(ptr %s) {
  %r = call i32 (i32, ptr, ...) @__printf_chk(i32 1, ptr @fmt, ptr %s)
  ret i32 %r
}

; CHECK-LABEL: define i32 @sprintf_chk(
; CHECK:       call void @__ffisan_libc_vsprintf(ptr %buf, ptr @fmt, ptr [[TAG:%[0-9]+]], i32 {{[0-9]+}})
; CHECK-NEXT:  %r = call i32 (ptr, i32, i64, ptr, ...) @__sprintf_chk(ptr %buf, i32 1, i64 -1, ptr @fmt, ptr %s)
; CHECK-NEXT:  call void @__ffisan_libc_vsprintf_after(i32 %r, ptr %buf, ptr @fmt, ptr [[TAG]], i32 {{[0-9]+}})
define i32 @sprintf_chk(ptr %buf, ptr %s) {
  %r = call i32 (ptr, i32, i64, ptr, ...) @__sprintf_chk(ptr %buf, i32 1, i64 8, ptr @fmt, ptr %s)
  ret i32 %r
}

; CHECK-LABEL: define i32 @snprintf_chk(
; CHECK:       call void @__ffisan_libc_fortify_refused(ptr %buf, i64 %n, i64 1, i64 8, i64 1, i32 {{[0-9]+}})
; CHECK:       call void @__ffisan_libc_vsnprintf(ptr %buf, i64 %n, ptr @fmt, ptr [[TAG:%[0-9]+]], i32 {{[0-9]+}})
; CHECK-NEXT:  %r = call i32 (ptr, i64, i32, i64, ptr, ...) @__snprintf_chk(ptr %buf, i64 %n, i32 1, i64 8, ptr @fmt, ptr %s)
; CHECK-NEXT:  call void @__ffisan_libc_vsnprintf_after(i32 %r, ptr %buf, i64 %n, ptr @fmt, ptr [[TAG]], i32 {{[0-9]+}})
define i32 @snprintf_chk(ptr %buf, i64 %n, ptr %s) {
  %r = call i32 (ptr, i64, i32, i64, ptr, ...) @__snprintf_chk(ptr %buf, i64 %n, i32 1, i64 8, ptr @fmt, ptr %s)
  ret i32 %r
}

; Both hooks' flags name the function called, for the report's frame #0: (1 + the index of
; `__read_chk` in contract.rs's LIBC_FUNCTION_NAMES) << LIBC_FUNCTION_SHIFT = 215 << 16.
; CHECK-LABEL: define i64 @read_chk(
; CHECK:       call void @__ffisan_libc_fortify_refused(ptr %buf, i64 %n, i64 1, i64 16, i64 1, i32 14090240)
; CHECK-NEXT:  %r = call i64 @__read_chk(i32 %fd, ptr %buf, i64 %n, i64 16)
; CHECK-NEXT:  call void @__ffisan_libc_read_after(i64 %r, i32 %fd, ptr %buf, i64 %n, i32 14090240)
define i64 @read_chk(i32 %fd, ptr %buf, i64 %n) {
  %r = call i64 @__read_chk(i32 %fd, ptr %buf, i64 %n, i64 16)
  ret i64 %r
}

; CHECK-LABEL: define i64 @fread_chk(
; CHECK:       call void @__ffisan_libc_fortify_refused(ptr %buf, i64 %n, i64 %size, i64 16, i64 1, i32 {{[0-9]+}})
; CHECK-NEXT:  %r = call i64 @__fread_chk(ptr %buf, i64 16, i64 %size, i64 %n, ptr %f)
; CHECK-NEXT:  call void @__ffisan_libc_fread_after(i64 %r, ptr %buf, i64 %size, i64 %n, ptr %f, i32 {{[0-9]+}})
define i64 @fread_chk(ptr %buf, i64 %size, i64 %n, ptr %f) {
  %r = call i64 @__fread_chk(ptr %buf, i64 16, i64 %size, i64 %n, ptr %f)
  ret i64 %r
}

; CHECK-LABEL: define i32 @vfprintf_chk(
; CHECK:       call void @__ffisan_libc_vfprintf(ptr %f, ptr @fmt, ptr %ap, i32 {{[0-9]+}})
; CHECK-NEXT:  %r = call i32 @__vfprintf_chk(ptr %f, i32 1, ptr @fmt, ptr %ap)
define i32 @vfprintf_chk(ptr %f, ptr %ap) {
  %r = call i32 @__vfprintf_chk(ptr %f, i32 1, ptr @fmt, ptr %ap)
  ret i32 %r
}

; CHECK-LABEL: define ptr @string_chk(
; CHECK:       call void @__ffisan_libc_strcpy(ptr %d, ptr %s, i32 {{[0-9]+}})
; CHECK-NEXT:  %r = call ptr @__strcpy_chk(ptr %d, ptr %s, i64 8)
; CHECK:       call void @__ffisan_libc_wmemcpy(ptr %d, ptr %s, i64 %n, i32 {{[0-9]+}})
; CHECK-NEXT:  %w = call ptr @__wmemcpy_chk(ptr %d, ptr %s, i64 %n, i64 2)
; CHECK-NOT:   __ffisan_libc
; CHECK:       %u = call ptr @__unknown_chk(ptr %d, ptr %s, i64 8)
define ptr @string_chk(ptr %d, ptr %s, i64 %n) {
  %r = call ptr @__strcpy_chk(ptr %d, ptr %s, i64 8)
  %w = call ptr @__wmemcpy_chk(ptr %d, ptr %s, i64 %n, i64 2)
  %u = call ptr @__unknown_chk(ptr %d, ptr %s, i64 8)
  ret ptr %r
}

; CHECK-LABEL: define ptr @memcpy_chk(
; CHECK:       call preserve_mostcc void @__ffisan_check_range(i64 {{%[0-9]+}}, i64 %n, i32 1)
; CHECK:       call preserve_mostcc void @__ffisan_check_range(i64 {{%[0-9]+}}, i64 %n, i32 0)
; CHECK:       %r = call ptr @__memcpy_chk(ptr %d, ptr %s, i64 %n, i64 8)
define ptr @memcpy_chk(ptr %d, ptr %s, i64 %n) {
  %r = call ptr @__memcpy_chk(ptr %d, ptr %s, i64 %n, i64 8)
  ret ptr %r
}
