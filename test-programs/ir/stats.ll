; FFISAN_STATS=FILE appends one JSON line per module with what was checked and elided.
; RUN: rm -f %t.jsonl
; RUN: env FFISAN_STATS=%t.jsonl %opt_ffisan -disable-output %s
; RUN: FileCheck %s < %t.jsonl

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@g = global i32 0

declare void @keep(ptr)
declare i64 @strlen(ptr)

; CHECK: {"module":"{{.*}}stats.ll","accesses":4,"checked":1,"elided_stack":1,"elided_global":1,"elided_duplicate":1,"elided_dominated":0,"elided_libc":0,"hoisted_loop":0,"grouped":0,"group_tests":0,"libc_calls":1,"fake_frames":1,"lazy_fake_frames":0,"padded_globals":1}
define i32 @f(ptr %p) {
  %x = alloca i32, align 4
  call void @keep(ptr %x)
  %a = load i32, ptr %p, align 4
  %b = load i32, ptr %p, align 4
  %c = load i32, ptr %x, align 4
  %d = load i32, ptr @g, align 4
  %n = call i64 @strlen(ptr %p)
  %s = add i32 %a, %b
  ret i32 %s
}
