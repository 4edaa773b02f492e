; libc's thread-local locations (errno, the locale tables' pointers) are always addressable, and
; loads from a locale table read libc's own data: no check. A store into a locale table, and
; accesses through a pointer merely loaded from elsewhere, stay checked.
; RUN: %opt_ffisan -S %s | FileCheck %s
; RUN: rm -f %t.jsonl
; RUN: env FFISAN_STATS=%t.jsonl %opt_ffisan -disable-output %s
; RUN: FileCheck --check-prefix=STATS %s < %t.jsonl

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

declare ptr @__errno_location()
declare ptr @__ctype_b_loc()
declare ptr @__ctype_tolower_loc()

; STATS: "accesses":9,"checked":2,{{.*}}"elided_libc":7,

; isalpha(c) and tolower(c) as glibc's headers expand them, and errno = 0; return errno.
; CHECK-LABEL: define i32 @ctype_and_errno(
; CHECK-NOT:  __ffisan_slow_
; CHECK:      ret i32
define i32 @ctype_and_errno(i32 %c) {
  %idx = sext i32 %c to i64
  %bloc = call ptr @__ctype_b_loc()
  %btab = load ptr, ptr %bloc, align 8
  %bp = getelementptr inbounds i16, ptr %btab, i64 %idx
  %bits = load i16, ptr %bp, align 2
  %lloc = call ptr @__ctype_tolower_loc()
  %ltab = load ptr, ptr %lloc, align 8
  %lp = getelementptr inbounds i32, ptr %ltab, i64 %idx
  %lower = load i32, ptr %lp, align 4
  %eloc = call ptr @__errno_location()
  store i32 0, ptr %eloc, align 4
  %b = zext i16 %bits to i32
  %r = add i32 %b, %lower
  ret i32 %r
}

; A store into the table is checked (a locale table may be read-only data).
; CHECK-LABEL: define void @store_into_table(
; CHECK:      call preserve_mostcc void @__ffisan_slow_store2(i64 %{{[0-9]+}})
; CHECK:      store i16 0, ptr %bp
define void @store_into_table(i64 %idx) {
  %bloc = call ptr @__ctype_b_loc()
  %btab = load ptr, ptr %bloc, align 8
  %bp = getelementptr inbounds i16, ptr %btab, i64 %idx
  store i16 0, ptr %bp, align 2
  ret void
}

; A pointer loaded from errno's location is just an integer's bits: its target is checked.
; CHECK-LABEL: define i8 @through_errno_value(
; CHECK:      call preserve_mostcc void @__ffisan_slow_load1(i64 %{{[0-9]+}})
; CHECK:      load i8, ptr %p
define i8 @through_errno_value() {
  %eloc = call ptr @__errno_location()
  %p = load ptr, ptr %eloc, align 8
  %v = load i8, ptr %p, align 1
  ret i8 %v
}
